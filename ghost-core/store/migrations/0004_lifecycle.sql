-- The lifecycle (package lifecycle) records a stop before it signals: a
-- monitor that supervises a task must not start it again after a stop,
-- kill or rm --force, and learns of the request from this column.
ALTER TABLE tasks ADD COLUMN stop_requested INTEGER NOT NULL DEFAULT 0;
