-- Supervision (issue 12): a task's restart policy, its restarts so far,
-- when the next run starts while it waits out a delay, and after how many
-- restarts in a row the policy gave up (0: it did not). Listings show the
-- mode, the count and the next start: the covering index that listings
-- read alone holds them from 0009 on, which makes it again with every
-- column listings read (migrations apply by position, and 0009 comes
-- after this one).
ALTER TABLE tasks ADD COLUMN restart TEXT NOT NULL DEFAULT 'no';
ALTER TABLE tasks ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN next_restart_at INTEGER;
ALTER TABLE tasks ADD COLUMN restart_max INTEGER NOT NULL DEFAULT 10;
ALTER TABLE tasks ADD COLUMN restart_delay_ms INTEGER NOT NULL DEFAULT 1000;
ALTER TABLE tasks ADD COLUMN restart_delay_max_ms INTEGER NOT NULL DEFAULT 30000;
ALTER TABLE tasks ADD COLUMN min_uptime_ms INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE tasks ADD COLUMN gave_up INTEGER NOT NULL DEFAULT 0;

-- Every run of a task: its process and how it ended. A task without a
-- policy has one. Rows go with their task.
CREATE TABLE runs (
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  n INTEGER NOT NULL,               -- 1 for the first run
  pid INTEGER NOT NULL,
  proc_start INTEGER NOT NULL,
  started_at INTEGER NOT NULL,      -- Unix milliseconds
  finished_at INTEGER,              -- Unix milliseconds, NULL while it runs
  exit_code INTEGER,
  signal TEXT,
  PRIMARY KEY (task_id, n)
);
