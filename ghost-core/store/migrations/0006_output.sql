-- Output (issue 16): the pseudo-terminal a task runs on, as COLSxROWS, or
-- '' for pipes; kept so a restart runs the task the same way. Listings do
-- not show it, so idx_tasks_list stays as it is.
ALTER TABLE tasks ADD COLUMN tty TEXT NOT NULL DEFAULT '';
