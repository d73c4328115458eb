-- Listings give the newest task first and, among tasks started in the
-- same second, the one inserted last. That was ORDER BY started_at, rowid,
-- which no index can hold (SQLite does not index rowid by name), so every
-- listing sorted each second's tasks apart: 21 of the 38 ms that walking
-- 100,000 tasks took. seq is the insertion order (the row's rowid when
-- written) and the covering index holds it right after started_at, so a
-- listing is one walk of the index.
ALTER TABLE tasks ADD COLUMN seq INTEGER;

-- Rows written before get a seq only where they share their second with
-- another, the only place it decides anything: filling every row would
-- rewrite every environment. A lone row's NULL sorts as any other value
-- would.
UPDATE tasks SET seq = rowid WHERE started_at IN
  (SELECT started_at FROM tasks GROUP BY started_at HAVING COUNT(*) > 1);

DROP INDEX idx_tasks_list;
CREATE INDEX idx_tasks_list ON tasks(started_at, seq, id, pid, pgid, command, cwd, status,
  exit_code, finished_at, log_path, name, signal, project, origin, restart, restarts, next_restart_at);
