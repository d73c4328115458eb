-- Listings give the newest task first and, among tasks started in the
-- same second, the one inserted last. That was ORDER BY started_at, rowid,
-- which no index can hold (SQLite does not index rowid by name), so every
-- listing sorted each second's tasks apart: 21 of the 38 ms that walking
-- 100,000 tasks took. seq is the insertion order (the row's rowid when
-- written) and the covering index holds it right after started_at, so a
-- listing is one walk of the index. Rows written before have no seq and are
-- not given one (that would rewrite every row, environments and all): among
-- themselves, within one second, they come in id order.
ALTER TABLE tasks ADD COLUMN seq INTEGER;

DROP INDEX idx_tasks_list;
CREATE INDEX idx_tasks_list ON tasks(started_at, seq, id, pid, pgid, command, cwd, status,
  exit_code, finished_at, log_path, name, signal, project, origin, restart, restarts, next_restart_at);
