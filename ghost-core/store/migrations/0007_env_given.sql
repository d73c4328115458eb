-- Which environment variables were given for the task (--env, --env-file)
-- rather than inherited from the caller's shell, as a JSON array of names:
-- ghost-ui's details show them apart. NULL for tasks recorded before.
ALTER TABLE tasks ADD COLUMN env_given TEXT;
