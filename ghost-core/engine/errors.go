package engine

import (
	"errors"
	"syscall"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// The errors a binary tells apart with errors.Is and errors.As, besides
// those of package task. They are the very values of the packages behind
// the door, so a wrapped error from any of them matches.
var (
	// ErrCommandNotFound means the command is not a file or not on PATH.
	ErrCommandNotFound = monitor.ErrCommandNotFound
	// ErrNotExecutable means the command exists but cannot be executed.
	ErrNotExecutable = monitor.ErrNotExecutable
	// ErrNoCwd means the working directory is missing or not a directory.
	ErrNoCwd = monitor.ErrNoCwd
	// ErrCorrupt means the database file is not a usable SQLite database;
	// it is left exactly as it was.
	ErrCorrupt = store.ErrCorrupt
	// ErrBusy means another process held the database for longer than
	// ghost waits.
	ErrBusy = store.ErrBusy
	// ErrSymlink means the database's path is a symlink, which ghost does
	// not follow.
	ErrSymlink = store.ErrSymlink
	// ErrUnsafe means the data directory is open to others or not ours.
	ErrUnsafe = datadir.ErrUnsafe
	// ErrBadSignal reports a signal name or number this system lacks.
	ErrBadSignal = proc.ErrBadSignal
	// ErrBadSize reports a size ParseSize cannot read.
	ErrBadSize = logs.ErrBadSize
	// ErrBadSetting reports an environment variable ghost reads (such as
	// GHOST_LOG_MAX_SIZE) holding a value it cannot use.
	ErrBadSetting = errors.New("invalid setting")
)

// TooNewError reports a database written by a newer ghost.
type TooNewError = store.TooNewError

// StartError is a failure to start a task, as its monitor reported it;
// errors.Is matches its reason (ErrCommandNotFound and the like).
type StartError = monitor.StartError

// ParseSignal reads a signal given as a name (TERM, SIGTERM, term) or a
// number (15).
func ParseSignal(s string) (syscall.Signal, error) { return proc.ParseSignal(s) }

// ExitStatus is the status a shell would report for a task that ended:
// its exit code, 128+N for signal N, 255 for an end nobody saw (or one not
// over yet).
func ExitStatus(t task.Listing) int {
	switch t.Status {
	case task.Exited:
		if t.ExitCode != nil {
			return *t.ExitCode
		}
	case task.Killed:
		if sig, err := proc.ParseSignal(t.Signal); err == nil {
			return 128 + int(sig)
		}
		return 128 + int(syscall.SIGKILL)
	}
	return 255
}
