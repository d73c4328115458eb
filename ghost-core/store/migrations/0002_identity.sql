-- What ghost adds to the design: a name, the ending signal, and the facts
-- that make a pid an identity (its start time and the boot it belongs to),
-- for the task and for its monitor. Every column has a default, so a row
-- written with only the original columns is still valid.
ALTER TABLE tasks ADD COLUMN name TEXT;
ALTER TABLE tasks ADD COLUMN signal TEXT;
ALTER TABLE tasks ADD COLUMN proc_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN monitor_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN monitor_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN log_error TEXT NOT NULL DEFAULT '';

CREATE INDEX idx_tasks_name ON tasks(name);
CREATE INDEX idx_tasks_started ON tasks(started_at);
