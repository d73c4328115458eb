-- The project a task belongs to: the app `ghost up` started it for, NULL
-- for a task started alone. Listings show it, so the covering index that
-- listings read alone is made again with it (and with 0008's origin),
-- and with the restart columns of 0005 (supervision), which listings show
-- too.
ALTER TABLE tasks ADD COLUMN project TEXT;

DROP INDEX idx_tasks_list;
CREATE INDEX idx_tasks_list ON tasks(started_at, id, pid, pgid, command, cwd, status,
  exit_code, finished_at, log_path, name, signal, project, origin, restart, restarts, next_restart_at);
