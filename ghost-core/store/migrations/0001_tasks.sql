-- The tasks table and indexes of the original design, column for column.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,              -- UUID v4
  pid INTEGER NOT NULL,             -- process id of the task (the group leader)
  pgid INTEGER,                     -- process group id
  command TEXT NOT NULL,            -- argv as a JSON array
  env TEXT,                         -- environment as a JSON object
  cwd TEXT,                         -- working directory
  status TEXT NOT NULL,             -- running / exited / killed / unknown
  exit_code INTEGER,                -- set when status is exited
  started_at INTEGER NOT NULL,      -- Unix seconds
  finished_at INTEGER,              -- Unix seconds, NULL while unknown
  log_path TEXT NOT NULL            -- the task's current log file
);

CREATE INDEX idx_tasks_status ON tasks(status);
CREATE INDEX idx_tasks_pid ON tasks(pid);
