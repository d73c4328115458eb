package mcp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// readyIn is a readiness check, as `ghost run --ready-*` takes it; every
// condition given must hold.
type readyIn struct {
	Port     int     `json:"port,omitempty" jsonschema:"ready once the task's processes listen on this TCP port"`
	Log      string  `json:"log,omitempty" jsonschema:"ready once a line of output matches this regular expression (RE2)"`
	Cmd      string  `json:"cmd,omitempty" jsonschema:"ready once this shell command exits 0 (run in the task's directory and environment)"`
	TimeoutS float64 `json:"timeout_s,omitempty" jsonschema:"give up after this many seconds (default 60, at most 600)"`
}

type runIn struct {
	Command  string            `json:"command,omitempty" jsonschema:"a shell command line, run with sh -c (give this or argv)"`
	Argv     []string          `json:"argv,omitempty" jsonschema:"the program and its arguments, run without a shell (give this or command)"`
	Name     string            `json:"name,omitempty" jsonschema:"a name for the task, unique among running tasks; lets later calls find it and lets run reuse it"`
	Cwd      string            `json:"cwd,omitempty" jsonschema:"working directory (relative to the server's); default: the server's"`
	Env      map[string]string `json:"env,omitempty" jsonschema:"variables added to the server's environment"`
	Ready    *readyIn          `json:"ready,omitempty" jsonschema:"return only once the task is ready (port, log and/or cmd); a task not ready in time is stopped"`
	IfExists string            `json:"if_exists,omitempty" jsonschema:"when a running task already has this name: reuse it (return it, start nothing), replace it (stop it, start anew) or fail with an error"`
	Restart  string            `json:"restart,omitempty" jsonschema:"start it again when it ends: no, on-failure (a nonzero exit or a signal ghost did not send) or always; default no (or the server's $GHOST_RESTART)"`
	// MaxRestarts is a pointer so that 0 (give up at once) differs from
	// unset.
	MaxRestarts *int `json:"max_restarts,omitempty" jsonschema:"with restart: give up after this many restarts in a row (-1: never give up); default 10"`
}

type runOut struct {
	Task TaskObject `json:"task"`
	// Ready is true once every check passed (or, with none, when the task
	// was still running at the end of the call).
	Ready bool `json:"ready"`
	// Reused is true when a running task of that name was returned instead
	// of starting a second copy.
	Reused bool `json:"reused"`
	// Replaced is the id of the task replace stopped.
	Replaced string `json:"replaced,omitempty"`
	// Ports are the TCP and UDP ports the task listens on.
	Ports []Port `json:"ports"`
	// LogTail is the end of the task's output when it failed to become
	// ready or ended already.
	LogTail string `json:"log_tail,omitempty"`
}

// Port is a socket a task listens on.
type Port struct {
	Protocol string `json:"protocol"`
	Address  string `json:"address"`
	Port     int    `json:"port"`
}

// tailLines is how much of a failed task's log run returns.
const tailLines = 50

// stopGrace is how long stop, replace and cleanup wait after SIGTERM
// before SIGKILL, as `ghost stop` does.
const stopGrace = 10 * time.Second

// maxTimeout bounds every wait a call may ask for.
const maxTimeout = 600 * time.Second

func addRun(s *Server) {
	addTool(s, &tool{
		Name:  "run",
		Title: "Run a command in the background",
		Description: "Start a command in the background and return its task at once, or once it is ready. " +
			"Tasks outlive this session. Give a name for servers: calling run again with that name returns the running task " +
			"(if_exists=reuse, the default) instead of starting a second copy on a taken port. " +
			"Use ready (port, log regex or cmd) instead of sleeping.",
		Annotations: annotations{OpenWorldHint: ptr(true)},
	}, s.run)
}

func (s *Server) run(ctx context.Context, c *call, in runIn) (*result, runOut, error) {
	opts, ready, timeout, err := s.runOptions(in)
	if err != nil {
		return nil, runOut{}, err
	}
	opts.Origin = origin(c)
	var out runOut
	var t task.Task
	for attempt := 0; ; attempt++ {
		if in.Name != "" {
			held, ok, err := s.runningNamed(ctx, in.Name)
			if err != nil {
				return nil, runOut{}, s.failure("run", err)
			}
			if ok {
				switch in.IfExists {
				case "error":
					return nil, runOut{}, s.failure("run", fmt.Errorf("%q: %w (%s)", in.Name, task.ErrNameTaken, held.ShortID()))
				case "replace":
					if _, err := s.e.Stop(ctx, held.ID, stopGrace); err != nil && !errors.Is(err, task.ErrNotRunning) {
						return nil, runOut{}, s.failure("run", err)
					}
					out.Replaced = held.ID
				default:
					t, out.Reused = held, true
				}
			}
		}
		if out.Reused {
			break
		}
		t, err = s.e.Run(ctx, opts)
		// Another client took the name between the look and the start:
		// look again (reuse or replace what it started).
		if errors.Is(err, task.ErrNameTaken) && in.IfExists != "error" && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, runOut{}, s.failure("run", err)
		}
		s.remember(t.ID)
		break
	}
	failed := ""
	if ready.Set() {
		rctx, cancel := context.WithTimeout(ctx, timeout)
		_, err := s.e.WaitReady(rctx, t, ready)
		cancel()
		switch {
		case err == nil:
			out.Ready = true
		case ctx.Err() != nil:
			return nil, runOut{}, ctx.Err()
		default:
			if !out.Reused && !errors.Is(err, engine.ErrEndedBeforeReady) {
				// As `ghost run --ready-*` does: a task that never became
				// ready is not left holding its port and name.
				s.e.Stop(context.WithoutCancel(ctx), t.ID, stopGrace)
			}
			msg, hint := s.describe("run", err)
			failed = msg + hint
		}
	}
	if fresh, err := s.e.Get(ctx, t.ID); err == nil {
		t = fresh
	}
	if !ready.Set() {
		out.Ready = t.Status == task.Running
	}
	if failed != "" || t.Status.Finished() {
		out.LogTail = s.tail(t.ID, tailLines)
	}
	t = s.e.WithPorts(t)
	out.Ports = ports(t)
	out.Task = object(t.JSON())
	out.Task.Ports = nil // at the top, once
	text := runText(t, out)
	if failed != "" {
		res := errorResult(failed + "\n" + tailText(t, out.LogTail))
		return res, out, nil
	}
	if out.LogTail != "" {
		text += "\n" + tailText(t, out.LogTail)
	}
	return textResult(text), out, nil
}

// runOptions checks run's arguments and makes the task's options.
func (s *Server) runOptions(in runIn) (engine.Spec, engine.Readiness, time.Duration, error) {
	o := s.opts.Defaults
	o.Name, o.Origin = in.Name, ""
	if o.Restart == (task.RestartPolicy{}) {
		o.Restart = task.DefaultRestartPolicy
	}
	switch {
	case in.Command != "" && len(in.Argv) > 0:
		return o, engine.Readiness{}, 0, invalidParams("run: give command or argv, not both")
	case in.Command != "":
		o.Command = []string{"sh", "-c", in.Command}
	case len(in.Argv) > 0:
		o.Command = in.Argv
	default:
		return o, engine.Readiness{}, 0, invalidParams("run: no command given: set command (a shell line) or argv")
	}
	if err := task.CheckName(in.Name); err != nil {
		return o, engine.Readiness{}, 0, invalidParams("run: invalid name %v", err)
	}
	if in.Cwd != "" {
		o.Cwd = in.Cwd
		if !filepath.IsAbs(o.Cwd) {
			o.Cwd = filepath.Join(s.opts.Defaults.Cwd, o.Cwd)
		}
		o.Cwd = filepath.Clean(o.Cwd)
	}
	if in.Restart != "" {
		mode, err := task.ParseRestartMode(in.Restart)
		if err != nil {
			return o, engine.Readiness{}, 0, invalidParams("run: invalid restart %v", err)
		}
		o.Restart.Mode = mode
	}
	if in.MaxRestarts != nil {
		if !o.Restart.Restarts() {
			return o, engine.Readiness{}, 0, invalidParams("run: max_restarts needs restart on-failure or always")
		}
		o.Restart.MaxRestarts = *in.MaxRestarts
	}
	// Recorded, as `ghost run -e` records it: details and export tell
	// what the agent set from what the server inherited.
	o.EnvGiven = []string{}
	if len(in.Env) > 0 {
		env := task.EnvMap(o.Env)
		for k, v := range in.Env {
			if _, _, err := task.ParseEnvPair(k + "=" + v); err != nil || strings.ContainsRune(k, '=') {
				return o, engine.Readiness{}, 0, invalidParams("run: invalid env %q", k)
			}
			env[k] = v
			o.EnvGiven = append(o.EnvGiven, k)
		}
		slices.Sort(o.EnvGiven)
		o.Env = task.EnvList(env)
	}
	if in.Ready == nil {
		return o, engine.Readiness{}, 0, nil
	}
	r, timeout, err := readiness("run", *in.Ready, o.Env)
	return o, r, timeout, err
}

// readiness checks a readiness check's arguments.
func readiness(what string, in readyIn, env []string) (engine.Readiness, time.Duration, error) {
	r := engine.Readiness{Port: in.Port, Cmd: in.Cmd, Env: env}
	if in.Log != "" {
		re, err := regexp.Compile(in.Log)
		if err != nil {
			return r, 0, invalidParams("%s: invalid ready.log: %v", what, err)
		}
		r.Log = re
	}
	if !r.Set() {
		return r, 0, invalidParams("%s: ready needs port, log or cmd", what)
	}
	timeout := seconds(in.TimeoutS)
	if timeout <= 0 {
		timeout = defaultReadyTimeout
	}
	return r, timeout, nil
}

// defaultReadyTimeout is how long run waits for a ready check, as `ghost
// run --ready-*` does.
const defaultReadyTimeout = 60 * time.Second

// seconds is a timeout_s argument as a duration, at most maxTimeout.
func seconds(s float64) time.Duration {
	return min(time.Duration(s*float64(time.Second)), maxTimeout)
}

// runningNamed returns the running task named name, if any.
func (s *Server) runningNamed(ctx context.Context, name string) (task.Task, bool, error) {
	t, err := s.e.Get(ctx, name)
	if errors.Is(err, task.ErrNotFound) {
		return task.Task{}, false, nil
	}
	var amb *task.AmbiguousError
	if errors.As(err, &amb) {
		return task.Task{}, false, nil // a prefix of ids, named by nobody
	}
	if err != nil {
		return task.Task{}, false, err
	}
	// Get falls back to id prefixes: only a task of that name counts; one
	// waiting out a restart delay still holds the name.
	return t, t.Name == name && !t.Status.Finished(), nil
}

// describe words err as the command line would, hint on its own line.
func (s *Server) describe(what string, err error) (string, string) {
	if s.opts.Describe == nil {
		return what + ": " + err.Error(), ""
	}
	msg, hint := s.opts.Describe(what, err)
	if hint != "" {
		hint = "\nhint: " + hint
	}
	return msg, hint
}

func ports(t task.Task) []Port {
	out := []Port{}
	for _, p := range t.Ports {
		out = append(out, Port{Protocol: p.Protocol, Address: p.Address, Port: p.Port})
	}
	return out
}

func runText(t task.Task, out runOut) string {
	verb := "started"
	if out.Reused {
		verb = "reused running task"
	}
	s := verb + " " + line(t.Listing)
	if out.Replaced != "" {
		s += "\nreplaced " + out.Replaced
	}
	if out.Ready && t.Status == task.Running {
		s += "\nready"
	}
	for _, p := range out.Ports {
		s += fmt.Sprintf("\nlistening on %s %s:%d", p.Protocol, p.Address, p.Port)
	}
	return s
}

func tailText(t task.Task, tail string) string {
	if tail == "" {
		return "task " + t.ID + " printed nothing"
	}
	return fmt.Sprintf("the last lines of task %s's log:\n%s", t.ID, tail)
}
