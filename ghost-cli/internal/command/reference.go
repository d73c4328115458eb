package command

import (
	"strconv"

	"github.com/urfave/cli/v2"
)

// Reference is the command line as data, for the man page generator
// (ghost-cli/internal/mangen): the command table itself, and what the
// page says around it. Keeping the exit codes here, beside the constants,
// keeps the page true when they change.
type Reference struct {
	// App holds the name, the usage line and every command with its flags.
	App *cli.App
	// ExitCodes lists every exit status ghost uses.
	ExitCodes []Entry
	// Environment lists the variables ghost reads.
	Environment []Entry
	// Files lists what ghost keeps in its data directory.
	Files []Entry
}

// Entry is one item of a list in the manual: a name and what it means.
type Entry struct {
	Name, Text string
}

// Describe returns the command line's reference; it runs nothing.
func Describe() Reference {
	code := func(c int) string { return strconv.Itoa(c) }
	return Reference{
		App: &cli.App{Name: "ghost", Usage: usage, Commands: commands(), HideHelpCommand: true},
		ExitCodes: []Entry{
			{code(exitOK), "success"},
			{code(exitFailure), "the operation failed (no such task, task not running, ...)"},
			{code(exitUsage), "bad usage: unknown flag or command, malformed value"},
			{code(exitNotExecutable), "run: the command exists but cannot be executed"},
			{code(exitNotFound), "run: the command was not found"},
			{code(exitInterrupted), "interrupted with Ctrl-C (log -f, stop, wait)"},
			{"wait", "passes on its tasks' status instead: the exit code, 128+N for signal N, 124 on timeout, 255 for an end nobody saw"},
		},
		Environment: []Entry{
			{"GHOST_DATA_DIR", "the data directory (default: $XDG_DATA_HOME/ghost, else ~/.local/share/ghost)"},
			{"XDG_DATA_HOME", "where the data directory is when GHOST_DATA_DIR is not set"},
			{"GHOST_RESTART", "the restart policy of run without --restart: no, on-failure or always (default no)"},
			{"GHOST_LOG_MAX_SIZE", "the size at which a task's log rotates, when run has no --log-max-size (default 10M)"},
			{"GHOST_LOG_MAX_FILES", "how many log files a task keeps, when run has no --log-max-files (default 5)"},
			{"COLUMNS", "the width list fits its table to when stdout is not a terminal"},
			{"NO_COLOR", "when set, log prints the labels of several tasks without colour"},
			{"HOME", "where the data directory is when neither GHOST_DATA_DIR nor XDG_DATA_HOME is set"},
		},
		Files: []Entry{
			{"$GHOST_DATA_DIR/", "the data directory, mode 0700; ghost refuses one that others can write or another user owns"},
			{"$GHOST_DATA_DIR/tasks.db", "the task database (SQLite, WAL), mode 0600, with its -wal and -shm files"},
			{"$GHOST_DATA_DIR/logs/ID.log", "a task's output, mode 0600; rotated files are ID.log.1, ID.log.2, ..."},
			{"$GHOST_DATA_DIR/exits/ID.exit", "a monitor's record of how its task ended, only until the database has it"},
		},
	}
}
