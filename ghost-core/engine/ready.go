package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"time"

	"github.com/ghostproject/ghost/ghost-core/ports"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Readiness says when a freshly started task counts as ready; every
// condition given must hold.
type Readiness struct {
	// Port: the task's process group listens on this TCP port.
	Port int
	// Log: a line of the task's output matches.
	Log *regexp.Regexp
	// Cmd: this shell command exits 0.
	Cmd string
	// Env is the environment Cmd runs with.
	Env []string
}

// Set reports whether any condition is given.
func (r Readiness) Set() bool { return r.Port > 0 || r.Log != nil || r.Cmd != "" }

// Errors from WaitReady.
var (
	// ErrNotReady means the timeout passed first.
	ErrNotReady = errors.New("task was not ready in time")
	// ErrEndedBeforeReady means the task ended first.
	ErrEndedBeforeReady = errors.New("task ended before it was ready")
)

// readyPoll is how often the port and the command are tried; log output
// and the task's end wake the wait at once.
const readyPoll = 100 * time.Millisecond

// WaitReady blocks until t is ready, ends, or ctx ends.
func (e *Engine) WaitReady(ctx context.Context, t task.Task, r Readiness) (task.Task, error) {
	w := e.WatchTask(t.ID)
	defer w.Close()
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	logReady := make(chan struct{})
	if r.Log == nil {
		close(logReady)
	} else {
		// The one follower, into a matcher; it ends with the task or
		// when WaitReady returns.
		fctx, cancel := context.WithCancel(ctx)
		defer cancel()
		m := &lineMatcher{re: r.Log, matched: logReady}
		go e.Follow(fctx, m, t.ID, LogOptions{Tail: -1})
	}
	var lastCmd time.Time
	cmdReady := r.Cmd == ""
	for {
		ended := e.Ended(ctx, t.ID)()
		if !cmdReady && time.Since(lastCmd) >= 250*time.Millisecond {
			cmdReady = runReadyCmd(ctx, r.Cmd, t.Cwd, r.Env)
			lastCmd = time.Now()
		}
		portReady := r.Port <= 0 || listens(t, r.Port)
		if isClosed(logReady) && cmdReady && portReady {
			return t, nil
		}
		if ended {
			done, _ := e.Get(ctx, t.ID)
			return done, fmt.Errorf("%s: %w (%s)", t.ShortID(), ErrEndedBeforeReady, describeEnd(done))
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return t, fmt.Errorf("%s: %w", t.ShortID(), ErrNotReady)
			}
			return t, ctx.Err()
		case <-w.C:
		case <-tick.C:
		case <-logReady:
		}
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func describeEnd(t task.Task) string {
	switch {
	case t.Status == task.Exited && t.ExitCode != nil:
		return "exit code " + strconv.Itoa(*t.ExitCode)
	case t.Status == task.Killed:
		return "killed by " + t.Signal
	}
	return string(t.Status)
}

// listens reports whether the task's process group listens on TCP port.
// Where the system cannot list a group's sockets, a successful connection
// to the port on loopback stands in.
func listens(t task.Task, port int) bool {
	ps, err := ports.Listening(t.PGID)
	if errors.Is(err, ports.ErrUnsupported) {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("localhost", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	for _, p := range ps {
		if p.Protocol == "tcp" && p.Port == port {
			return true
		}
	}
	return false
}

func runReadyCmd(ctx context.Context, cmd, dir string, env []string) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c := shellCommand(ctx, cmd)
	c.Dir, c.Env = dir, env
	return c.Run() == nil
}

// lineMatcher is an io.Writer that looks for a line matching re in what
// is written to it, and closes matched at the first.
type lineMatcher struct {
	re      *regexp.Regexp
	partial []byte
	matched chan struct{}
	done    bool
}

func (m *lineMatcher) match() {
	if !m.done {
		m.done = true
		close(m.matched)
	}
}

func (m *lineMatcher) Write(p []byte) (int, error) {
	m.partial = append(m.partial, p...)
	for {
		i := bytes.IndexByte(m.partial, '\n')
		if i < 0 {
			break
		}
		if m.re.Match(m.partial[:i]) {
			m.match()
		}
		m.partial = m.partial[i+1:]
	}
	// A prompt without a newline ("listening on :8080") counts too.
	if len(m.partial) > 0 && m.re.Match(m.partial) {
		m.match()
	}
	if len(m.partial) > 1<<20 {
		m.partial = m.partial[len(m.partial)-(1<<20):]
	}
	return len(p), nil
}
