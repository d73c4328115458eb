package mcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

type waitIn struct {
	Task     string   `json:"task" jsonschema:"the task: its id, a unique id prefix, or its name"`
	Until    string   `json:"until,omitempty" jsonschema:"exit: until the task ends; ready: until the ready checks pass; log: until a line of output matches pattern"`
	Ready    *readyIn `json:"ready,omitempty" jsonschema:"the checks for until=ready (its timeout_s is not used: see timeout_s)"`
	Log      string   `json:"log,omitempty" jsonschema:"the regular expression (RE2) a line must match, for until=log"`
	Pattern  string   `json:"pattern,omitempty" jsonschema:"the same as log"`
	Cursor   string   `json:"cursor,omitempty" jsonschema:"with until=log: only output after this next_cursor from logs (default: all of it)"`
	TimeoutS float64  `json:"timeout_s,omitempty" jsonschema:"give up after this many seconds (at most 600); the task keeps running"`
}

type waitOut struct {
	// Done is true when what was waited for happened.
	Done bool `json:"done"`
	// TimedOut is true when timeout_s passed first.
	TimedOut bool `json:"timed_out"`
	// ExitCode and Signal say how the task ended, if it has.
	ExitCode *int    `json:"exit_code"`
	Signal   *string `json:"signal"`
	// MatchedLine is the line that matched, for until=log.
	MatchedLine string `json:"matched_line,omitempty"`
	// NextCursor follows the matched line (until=log), for logs.
	NextCursor string     `json:"next_cursor,omitempty"`
	Task       TaskObject `json:"task"`
}

func addWait(s *Server) {
	addTool(s, &tool{
		Name:  "wait",
		Title: "Wait for a task",
		Description: "Block until a task ends (until=exit, the default), becomes ready (until=ready) or prints a line matching log (until=log), " +
			"or until timeout_s passes (default 60, at most 600). Use this instead of sleeping. Cancelling the call stops the wait, not the task.",
		Annotations: annotations{ReadOnlyHint: true},
	}, s.wait)
}

func (s *Server) wait(ctx context.Context, _ *call, in waitIn) (*result, waitOut, error) {
	var ready engine.Readiness
	var pattern *regexp.Regexp
	from := int64(0)
	switch in.Until {
	case "ready":
		if in.Ready == nil {
			return nil, waitOut{}, invalidParams("wait: until=ready needs ready (port, log or cmd)")
		}
		r, _, err := readiness("wait", *in.Ready, s.opts.Defaults.Env)
		if err != nil {
			return nil, waitOut{}, err
		}
		ready = r
	case "log":
		expr := in.Log
		if expr == "" {
			expr = in.Pattern
		} else if in.Pattern != "" && in.Pattern != expr {
			return nil, waitOut{}, invalidParams("wait: give log or pattern, not both")
		}
		if expr == "" {
			return nil, waitOut{}, invalidParams("wait: until=log needs log, a regular expression")
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, waitOut{}, invalidParams("wait: invalid log: %v", err)
		}
		pattern = re
		if in.Cursor != "" {
			n, err := strconv.ParseInt(in.Cursor, 10, 64)
			if err != nil {
				return nil, waitOut{}, invalidParams("wait: invalid cursor %q", in.Cursor)
			}
			from = n
		}
	}
	t, err := s.find(ctx, "wait", in.Task)
	if err != nil {
		return nil, waitOut{}, err
	}
	s.waits.Add(1)
	defer s.waits.Add(-1)
	wctx, cancel := context.WithTimeout(ctx, seconds(in.TimeoutS))
	defer cancel()
	var out waitOut
	switch in.Until {
	case "ready":
		if ready.Env == nil {
			ready.Env = task.EnvList(t.Env)
		}
		_, err = s.e.WaitReady(wctx, t, ready)
		out.Done = err == nil
		if errors.Is(err, engine.ErrNotReady) || errors.Is(err, engine.ErrEndedBeforeReady) {
			err = nil
		}
	case "log":
		out.MatchedLine, out.NextCursor, out.Done, err = s.waitLog(wctx, t, pattern, from)
	default:
		_, err = s.e.Wait(wctx, t.ID)
		out.Done = err == nil
	}
	if ctx.Err() != nil {
		return nil, waitOut{}, ctx.Err() // the client cancelled: nobody reads an answer
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = nil
	}
	if err != nil {
		return nil, waitOut{}, s.failure("wait", err)
	}
	if fresh, err := s.e.Get(ctx, t.ID); err == nil {
		t = fresh
	}
	out.TimedOut = !out.Done && wctx.Err() != nil
	out.Task = object(t.JSON())
	out.ExitCode, out.Signal = out.Task.ExitCode, out.Task.Signal
	return textResult(waitText(in.Until, t, out)), out, nil
}

// waitLog waits for a line matching re in t's output after offset from,
// returning it and the offset after it; ok is false when the task ended
// without one or ctx ended first.
func (s *Server) waitLog(ctx context.Context, t task.Task, re *regexp.Regexp, from int64) (string, string, bool, error) {
	w := s.e.WatchTask(t.ID)
	defer w.Close()
	for {
		// Asked before reading, so that a line written just before the end
		// is read.
		ended := s.e.Ended(ctx, t.ID)()
		v, err := s.e.OpenLog(t.ID)
		if err != nil {
			return "", "", false, err
		}
		if from > v.End() {
			v.Close()
			return "", "", false, invalidParams("wait: cursor %d is past the end of task %s's output", from, t.ShortID())
		}
		from = max(from, v.Start())
		var matched []byte
		err = eachLine(v, from, v.End(), func(raw []byte) bool {
			if raw[len(raw)-1] != '\n' && !ended {
				return false // matched once it is whole
			}
			line := bytes.TrimSuffix(render(raw, true), []byte("\n"))
			from += int64(len(raw))
			if re.Match(line) {
				matched = line
				return false
			}
			return true
		})
		v.Close()
		if err != nil {
			return "", "", false, err
		}
		if matched != nil {
			return string(matched), strconv.FormatInt(from, 10), true, nil
		}
		if ended {
			return "", "", false, nil
		}
		select {
		case <-ctx.Done():
			return "", "", false, ctx.Err()
		case <-w.C:
		}
	}
}

func waitText(until string, t task.Task, out waitOut) string {
	var what string
	switch {
	case out.Done && until == "log":
		what = "matched: " + out.MatchedLine
	case out.Done && until == "ready":
		what = "ready"
	case out.Done:
		what = "ended"
	case out.TimedOut:
		what = "timed out; the task keeps running"
	case t.Status.Finished():
		what = "the task ended first"
	default:
		what = "not done"
	}
	return fmt.Sprintf("%s\n%s", what, line(t.Listing))
}
