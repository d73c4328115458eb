package command

// Every message ghost prints about a failure goes through report, and
// follows the same rules:
//   - one line on stderr: "ghost: <what failed>: <why>", lowercase, no
//     trailing period; <why> comes from the error chain;
//   - a hint, when there is one, on its own line after it: "ghost: hint: ...";
//   - the exit code says what kind of failure it was, and codes are never
//     renumbered (see README.md, "Exit codes").

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Exit codes.
const (
	exitOK            = 0
	exitFailure       = 1   // the operation failed
	exitUsage         = 2   // the command line was wrong
	exitNotExecutable = 126 // run: the command exists but cannot be executed
	exitNotFound      = 127 // run: the command was not found
	exitInterrupted   = 130 // interrupted by Ctrl-C
	// wait also exits with its task's status: the exit code, 128+N for
	// signal N, 124 on timeout, 255 for an end nobody saw.
)

// cliError is an error with what the user was doing, a hint and the exit
// code it calls for.
type cliError struct {
	what  string
	err   error
	hint  string
	code  int
	quiet bool // the exit code says it all (wait passing on a task's status)
}

func (e *cliError) Error() string {
	if e.err == nil {
		return e.what
	}
	return e.what + ": " + e.err.Error()
}

// errInterrupted ends a command the user interrupted, quietly.
var errInterrupted = &cliError{what: "interrupted", code: exitInterrupted}

func (e *cliError) Unwrap() error { return e.err }

// failed wraps err from the operation what, choosing the exit code and hint
// from what the error is.
func failed(what string, err error) error {
	if err == nil {
		return nil
	}
	var ce *cliError
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	e := &cliError{what: what, err: err, code: exitFailure}
	var amb *task.AmbiguousError
	var tooNew *engine.TooNewError
	switch {
	case errors.Is(err, engine.ErrBadSetting):
		e.code = exitUsage
	case errors.Is(err, engine.ErrCommandNotFound):
		e.code = exitNotFound
	case errors.Is(err, engine.ErrNotExecutable):
		e.code = exitNotExecutable
	case errors.As(err, &amb):
		e.hint = "it matches " + strings.Join(amb.Candidates, ", ") + "; give more characters"
	case errors.As(err, &tooNew):
		e.hint = "this database was written by a newer ghost; use that version, or point GHOST_DATA_DIR elsewhere"
	case errors.Is(err, engine.ErrSymlink):
		e.hint = "ghost opens only a file in the data directory itself; move the file there, or point GHOST_DATA_DIR at the directory that holds it"
	case errors.Is(err, engine.ErrCorrupt):
		e.hint = "ghost left the file untouched; move it aside to start afresh"
	case errors.Is(err, engine.ErrUnsafe):
		e.hint = "set GHOST_DATA_DIR to a directory only you can write"
	case errors.Is(err, engine.ErrNoProcfile):
		e.hint = "write one \"name: command\" a line in ./Procfile, or name the file with -f FILE"
	case errors.Is(err, task.ErrNotFound):
		e.hint = "see the tasks with: ghost list"
	}
	return e
}

// usageError is a mistake on the command line: exit code 2.
func usageError(what, format string, args ...any) error {
	return &cliError{what: what, err: fmt.Errorf(format, args...), code: exitUsage}
}

// report prints err by the rules above and returns the exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var ce *cliError
	if !errors.As(err, &ce) {
		ce = &cliError{what: "error", err: err, code: exitFailure}
	}
	if ce.quiet || (ce.code == exitInterrupted && ce.err == nil) {
		return ce.code
	}
	fmt.Fprintf(stderr, "ghost: %s\n", printable.String(ce.Error()))
	if ce.hint != "" {
		// A hint may span lines (a log excerpt); each is made printable.
		for i, line := range strings.Split(ce.hint, "\n") {
			if i == 0 {
				fmt.Fprintf(stderr, "ghost: hint: %s\n", printable.String(line))
			} else {
				fmt.Fprintf(stderr, "%s\n", printable.String(line))
			}
		}
	}
	return ce.code
}

// several prints each of errs by the rules above and returns an error
// that exits with the highest of their codes and prints nothing more:
// for commands (up, down) that go on past one failure.
func several(stderr io.Writer, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	code := exitOK
	for _, err := range errs {
		code = max(code, report(stderr, err))
	}
	return &cliError{what: "several failures", code: code, quiet: true}
}
