-- Where a task came from: `cli` for the command line and ghost-ui,
-- `mcp:<client>` for a task an agent started through `ghost mcp`, so a
-- person can tell an agent's tasks from their own. Listings show it, so
-- the covering index is re-created to hold it.
ALTER TABLE tasks ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli';

DROP INDEX idx_tasks_list;
CREATE INDEX idx_tasks_list ON tasks(started_at, id, pid, pgid, command, cwd, status,
  exit_code, finished_at, log_path, name, signal, origin);
