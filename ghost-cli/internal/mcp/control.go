package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// killWait bounds the wait for a task's end after SIGKILL.
const killWait = 30 * time.Second

type stopIn struct {
	Task     string  `json:"task" jsonschema:"the task: its id, a unique id prefix, or its name"`
	TimeoutS float64 `json:"timeout_s,omitempty" jsonschema:"seconds between SIGTERM and SIGKILL"`
	Force    bool    `json:"force,omitempty" jsonschema:"send SIGKILL at once"`
}

func addStop(s *Server) {
	addTool(s, &tool{
		Name:        "stop",
		Title:       "Stop a task",
		Description: "Stop a running task: SIGTERM to its process group, SIGKILL after timeout_s (default 10) or at once with force. Returns the task once its end is recorded.",
		Annotations: annotations{DestructiveHint: ptr(true), IdempotentHint: true},
	}, s.stop)
}

func (s *Server) stop(ctx context.Context, _ *call, in stopIn) (*result, TaskObject, error) {
	t, err := s.find(ctx, "stop", in.Task)
	if err != nil {
		return nil, TaskObject{}, err
	}
	if in.Force {
		err = s.e.Kill(ctx, t.ID, syscall.SIGKILL)
		if err == nil {
			wctx, cancel := context.WithTimeout(ctx, killWait)
			t, err = s.e.Wait(wctx, t.ID)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				err = fmt.Errorf("%s: task did not end after SIGKILL", t.ShortID())
			}
		}
	} else {
		t, err = s.e.Stop(ctx, t.ID, seconds(in.TimeoutS))
	}
	if err != nil {
		return nil, TaskObject{}, s.failure("stop", err)
	}
	return textResult("stopped " + line(t.Listing)), object(t.JSON()), nil
}

type restartIn struct {
	Task     string  `json:"task" jsonschema:"the task: its id, a unique id prefix, or its name"`
	TimeoutS float64 `json:"timeout_s,omitempty" jsonschema:"seconds between SIGTERM and SIGKILL when it runs"`
}

func addRestart(s *Server) {
	addTool(s, &tool{
		Name:        "restart",
		Title:       "Restart a task",
		Description: "Stop a task if it runs, then run its command again (same directory, environment and name) as a new task; returns the new task.",
		Annotations: annotations{DestructiveHint: ptr(true)},
	}, s.restart)
}

func (s *Server) restart(ctx context.Context, c *call, in restartIn) (*result, TaskObject, error) {
	t, err := s.find(ctx, "restart", in.Task)
	if err != nil {
		return nil, TaskObject{}, err
	}
	fresh, err := s.e.Restart(ctx, t.ID, seconds(in.TimeoutS), func(spec *engine.Spec) {
		spec.Origin = origin(c) // started anew through MCP
		spec.Log = s.opts.Defaults.Log
	})
	if err != nil {
		return nil, TaskObject{}, s.failure("restart", err)
	}
	s.remember(fresh.ID)
	return textResult("restarted " + t.ShortID() + " as " + line(fresh.Listing)), object(fresh.JSON()), nil
}

type removeOut struct {
	Removed string `json:"removed"`
}

func addRemove(s *Server) {
	addTool(s, &tool{
		Name:        "remove",
		Title:       "Remove a finished task",
		Description: "Delete a finished task and its logs. A running task is refused: stop it first.",
		Annotations: annotations{DestructiveHint: ptr(true), IdempotentHint: true},
	}, s.remove)
}

func (s *Server) remove(ctx context.Context, _ *call, in taskIn) (*result, removeOut, error) {
	t, err := s.find(ctx, "rm", in.Task)
	if err != nil {
		return nil, removeOut{}, err
	}
	if err := s.e.Remove(ctx, t.ID); err != nil {
		return nil, removeOut{}, s.failure("rm", err)
	}
	return textResult("removed " + line(t.Listing)), removeOut{Removed: t.ID}, nil
}

type cleanupIn struct {
	Scope string `json:"scope,omitempty" jsonschema:"session: stop and remove the tasks this server started; all_finished: remove every finished task, whoever started it"`
}

type cleanupOut struct {
	Stopped []string `json:"stopped"`
	Removed []string `json:"removed"`
}

func addCleanup(s *Server) {
	addTool(s, &tool{
		Name:  "cleanup",
		Title: "Clean up tasks",
		Description: "End what this session started (scope=session, the default: stop the tasks this server started, then remove them and their logs), " +
			"or remove every finished task (scope=all_finished). Tasks otherwise outlive the session.",
		Annotations: annotations{DestructiveHint: ptr(true), IdempotentHint: true},
	}, s.cleanup)
}

func (s *Server) cleanup(ctx context.Context, _ *call, in cleanupIn) (*result, cleanupOut, error) {
	out := cleanupOut{Stopped: []string{}, Removed: []string{}}
	var tasks []task.Listing
	if in.Scope == "all_finished" {
		all, err := s.e.List(ctx, engine.Filter{Statuses: []task.Status{task.Exited, task.Killed, task.Unknown}})
		if err != nil {
			return nil, out, s.failure("cleanup", err)
		}
		tasks = all
	} else {
		for _, id := range s.session() {
			t, err := s.e.Get(ctx, id)
			if errors.Is(err, task.ErrNotFound) {
				continue // removed meanwhile
			}
			if err != nil {
				return nil, out, s.failure("cleanup", err)
			}
			tasks = append(tasks, t.Listing)
		}
	}
	var errs []string
	for _, t := range tasks {
		if !t.Status.Finished() {
			done, err := s.e.Stop(ctx, t.ID, stopGrace)
			if err != nil && !errors.Is(err, task.ErrNotRunning) {
				errs = append(errs, s.failure("cleanup", err).Error())
				continue
			}
			if err == nil {
				out.Stopped = append(out.Stopped, t.ID)
				t = done.Listing
			}
		}
		if err := s.e.Remove(ctx, t.ID); err != nil {
			errs = append(errs, s.failure("cleanup", err).Error())
			continue
		}
		out.Removed = append(out.Removed, t.ID)
	}
	text := fmt.Sprintf("stopped %d, removed %d", len(out.Stopped), len(out.Removed))
	if len(errs) > 0 {
		res := errorResult(text + "\n" + strings.Join(errs, "\n"))
		return res, out, nil
	}
	return textResult(text), out, nil
}
