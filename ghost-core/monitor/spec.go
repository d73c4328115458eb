// Package monitor is the small process that serves one task for exactly as
// long as the task lives: it starts the command, drains its output into the
// log, waits for it and records how it ended. A launcher that exits cannot
// learn its child's exit code, so this is what makes exit codes possible
// without a daemon. It is entered by re-executing the running binary (ghost
// or ghost-ui), so either can launch tasks on its own.
package monitor

import (
	"errors"
	"fmt"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Spec is everything a monitor needs to start a task. The launcher sends it
// over a pipe (see wire.go) rather than argv or the environment, which a large
// command or environment could overflow.
type Spec struct {
	ID      string
	DataDir string
	Name    string
	// Project is the app the task belongs to (`ghost up`), or empty.
	Project string
	Command []string
	Env     []string
	// EnvGiven names the variables of Env the user gave for this task.
	EnvGiven []string
	Cwd      string
	Log      logs.Policy
	// TTY runs the task on a pseudo-terminal of Cols x Rows instead of
	// two pipes.
	TTY        bool
	Cols, Rows uint16
	// Origin says what started the task (see task.Task.Origin).
	Origin string
	// Restart is how the monitor keeps the task alive; a zero policy
	// never restarts.
	Restart task.RestartPolicy
}

// report is what the monitor tells its launcher once the task runs or has
// failed to start.
type report struct {
	PID       int    `json:"pid,omitempty"`
	ProcStart uint64 `json:"proc_start,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Err       string `json:"err,omitempty"`
	// Schema is the database's version and the monitor's, for "too-new".
	Schema [2]int `json:"schema,omitzero"`
}

// Reasons a task could not start.
var (
	// ErrCommandNotFound means the command is not a file or not on PATH.
	ErrCommandNotFound = errors.New("command not found")
	// ErrNotExecutable means the command exists but cannot be executed.
	ErrNotExecutable = errors.New("permission denied or not executable")
	// ErrNoCwd means the working directory is missing or not a directory.
	ErrNoCwd = errors.New("working directory does not exist")
	// ErrCwdDenied means the working directory exists but may not be
	// entered.
	ErrCwdDenied = errors.New("working directory: permission denied")
)

// kinds maps each start failure to the word that crosses the pipe. The
// launcher leaves the database to the monitor, so the database's own
// failures cross it too, for the launcher to explain.
var kinds = map[string]error{
	"not-found":      ErrCommandNotFound,
	"not-executable": ErrNotExecutable,
	"no-cwd":         ErrNoCwd,
	"cwd-denied":     ErrCwdDenied,
	"corrupt":        store.ErrCorrupt,
	"symlink":        store.ErrSymlink,
	"busy":           store.ErrBusy,
	"name-taken":     task.ErrNameTaken,
}

// StartError is a failure to start a task, as the monitor reported it.
type StartError struct {
	// Reason is one of the Err* values above, or nil for another failure.
	Reason error
	// Detail is the monitor's full message.
	Detail string
}

func (e *StartError) Error() string { return e.Detail }

// Unwrap lets errors.Is match Reason.
func (e *StartError) Unwrap() error { return e.Reason }

func errorReport(err error) report {
	r := report{Kind: "other", Err: err.Error()}
	for k, v := range kinds {
		if errors.Is(err, v) {
			r.Kind = k
		}
	}
	var tooNew *store.TooNewError
	if errors.As(err, &tooNew) {
		r.Kind, r.Schema = "too-new", [2]int{tooNew.Have, tooNew.Want}
	}
	return r
}

func (r report) err() error {
	if r.Err == "" && r.PID > 0 {
		return nil
	}
	if r.Err == "" {
		return &StartError{Detail: "monitor reported no process"}
	}
	if r.Kind == "too-new" {
		return &StartError{Reason: &store.TooNewError{Have: r.Schema[0], Want: r.Schema[1]}, Detail: r.Err}
	}
	return &StartError{Reason: kinds[r.Kind], Detail: r.Err}
}

func wrapf(reason error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), reason)
}

// explainf is wrapf for a message that says it all: reason is matched by
// errors.Is but not repeated in the text.
func explainf(reason error, format string, args ...any) error {
	return &explained{msg: fmt.Sprintf(format, args...), reason: reason}
}

type explained struct {
	msg    string
	reason error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.reason }
