package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// TTYSize is a terminal's size in character cells.
type TTYSize struct {
	Cols, Rows uint16
}

// String is the size as COLSxROWS.
func (s TTYSize) String() string { return fmt.Sprintf("%dx%d", s.Cols, s.Rows) }

// DefaultTTYSize is the terminal a --tty task gets unless told otherwise.
var DefaultTTYSize = TTYSize{Cols: 80, Rows: 24}

// TTYSupported says whether tasks can run on a pseudo-terminal here: on
// Unix systems only, for now.
const TTYSupported = runtime.GOOS != "windows"

// ErrNoTTY means a task was asked to run on a terminal where ghost cannot
// give it one.
var ErrNoTTY = errors.New("a terminal for the task (--tty) is supported on Unix systems only")

// ErrBadTTYSize reports a size ParseTTYSize cannot read.
var ErrBadTTYSize = errors.New("want COLSxROWS, such as 120x40, each 1 to 65535")

// ParseTTYSize reads COLSxROWS.
func ParseTTYSize(s string) (TTYSize, error) {
	c, r, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	cols, err1 := strconv.ParseUint(c, 10, 16)
	rows, err2 := strconv.ParseUint(r, 10, 16)
	if !ok || err1 != nil || err2 != nil || cols == 0 || rows == 0 {
		return TTYSize{}, fmt.Errorf("%q: %w", s, ErrBadTTYSize)
	}
	return TTYSize{Cols: uint16(cols), Rows: uint16(rows)}, nil
}

// defaultTerm is the TERM a --tty task gets when its environment has none
// (a CI job, an agent): programs such as ls colour only for a TERM they
// know, and one asking for a terminal wants them to.
const defaultTerm = "xterm-256color"

// withTerm is env with TERM set to defaultTerm if it is missing or empty.
func withTerm(env []string) []string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "TERM="); ok && v != "" {
			return env
		}
	}
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TERM=") {
			out = append(out, kv)
		}
	}
	return append(out, "TERM="+defaultTerm)
}

// LogRecord is one line of a task's output with its capture time and
// stream.
type LogRecord = logs.Record

// LogQuery selects lines of a task's output by stream and time, and the
// last N of them.
type LogQuery = logs.Query

// LogStream is stdout or stderr.
type LogStream = logs.Stream

// The streams of a task's output.
const (
	Stdout = logs.Stdout
	Stderr = logs.Stderr
)

// LogGrep selects lines by regular expression with context, as grep -C.
type LogGrep = logs.Grep

// NewLogGrep is logs.NewGrep: lines matching re, with before and after
// lines of context.
var NewLogGrep = logs.NewGrep

// LogFollower reads one task's log line by line as it grows; see
// logs.LineFollower.
type LogFollower = logs.LineFollower

// NewLogFollower starts reading task id's log for the lines q selects.
func (e *Engine) NewLogFollower(id string, q LogQuery) (*LogFollower, error) {
	return logs.NewLineFollower(e.dir.LogDir(), id, q)
}

// LogLines gives fn the lines q selects of task id's output as it is now,
// across its rotated files, an unfinished last line included.
func (e *Engine) LogLines(id string, q LogQuery, fn func(LogRecord) error) error {
	return logs.Lines(e.dir.LogDir(), id, q, fn)
}

// FollowLogLines gives fn the lines q selects of task id's output, then
// new ones as they are written, until the task has ended and every line is
// given, or ctx ends.
func (e *Engine) FollowLogLines(ctx context.Context, id string, q LogQuery, fn func(LogRecord) error) error {
	w := e.WatchTask(id)
	defer w.Close()
	return logs.FollowLines(ctx, e.dir.LogDir(), id, q, e.Ended(ctx, id), w.C, fn)
}
