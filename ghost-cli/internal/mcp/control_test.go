//go:build unix

package mcp

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestWaitReportsTheEnd(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": "exit 3"})
	w := h.waitExit(run.Task.ID)
	if w.ExitCode == nil || *w.ExitCode != 3 || w.TimedOut || w.Task.Status != task.Exited {
		t.Errorf("wait: %+v", w)
	}
	run = h.runTask(map[string]any{"command": "sleep 300", "name": "ready-later"})
	h.ok("wait", map[string]any{"task": "ready-later", "until": "ready", "ready": map[string]any{"cmd": "true"}, "timeout_s": 30}, &w)
	if !w.Done {
		t.Errorf("until ready: %+v", w)
	}
}

func TestWaitTimesOut(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": "sleep 300"})
	var w waitOut
	res := h.ok("wait", map[string]any{"task": run.Task.ID, "timeout_s": 0.2}, &w)
	if w.Done || !w.TimedOut || w.ExitCode != nil || w.Task.Status != task.Running {
		t.Errorf("timeout: %+v", w)
	}
	if !strings.Contains(text(res), "timed out; the task keeps running") {
		t.Errorf("text: %q", text(res))
	}
}

// A client that cancels a long wait gets control back at once, and the
// server's wait ends with it; the task runs on.
func TestWaitHonoursCancellation(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": "sleep 300"})
	cancel, done := h.blockedWait(t, run.Task.ID)
	// Calls are answered concurrently: the wait holds up nothing else.
	var listed listOut
	h.ok("list", map[string]any{}, &listed)
	if len(listed.Tasks) != 1 || h.srv.waits.Load() != 1 {
		t.Errorf("list during a wait: %+v, %d waits", listed, h.srv.waits.Load())
	}
	cancelWait(t, h, cancel, done)
	var st TaskObject
	h.ok("status", map[string]any{"task": run.Task.ID}, &st)
	if st.Status != task.Running {
		t.Errorf("the task is %s after a cancelled wait", st.Status)
	}
}

// eventually polls cond until it holds, failing after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStopRestartRemove(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": "trap '' TERM; sleep 300 & wait", "name": "stubborn"})
	var st TaskObject
	h.ok("stop", map[string]any{"task": "stubborn", "force": true}, &st)
	if st.Status != task.Killed || st.Signal == nil || *st.Signal != "SIGKILL" {
		t.Errorf("force stop: %+v", st)
	}
	if msg := h.toolError("stop", map[string]any{"task": run.Task.ID}); !strings.HasPrefix(msg, "stop: ") || !strings.Contains(msg, task.ErrNotRunning.Error()) {
		t.Errorf("stopping a stopped task: %q", msg)
	}

	svc := h.runTask(map[string]any{"command": "sleep 300", "name": "svc"})
	var fresh TaskObject
	h.ok("restart", map[string]any{"task": "svc", "timeout_s": 5}, &fresh)
	if fresh.ID == svc.Task.ID || fresh.Status != task.Running || fresh.Name == nil || *fresh.Name != "svc" || fresh.Origin != "mcp:test-agent" {
		t.Errorf("restart: %+v", fresh)
	}
	if msg := h.toolError("remove", map[string]any{"task": fresh.ID}); !strings.HasPrefix(msg, "rm: ") || !strings.Contains(msg, task.ErrStillRunning.Error()) {
		t.Errorf("removing a running task: %q", msg)
	}
	var rm removeOut
	h.ok("remove", map[string]any{"task": run.Task.ID}, &rm)
	if rm.Removed != run.Task.ID {
		t.Errorf("remove: %+v", rm)
	}
	h.toolError("status", map[string]any{"task": run.Task.ID})
}

// cleanup's session scope ends what this server started and nothing
// else; all_finished removes every finished task.
func TestCleanupScopes(t *testing.T) {
	h := serve(t, logs.Policy{})
	ctx := context.Background()
	mine := h.runTask(map[string]any{"command": "sleep 300"})
	done := h.runTask(map[string]any{"command": "true"})
	h.waitExit(done.Task.ID)
	theirs, err := h.e.Run(ctx, engine.Spec{Command: []string{"sleep", "300"}, Cwd: t.TempDir(), Env: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	theirsDone, err := h.e.Run(ctx, engine.Spec{Command: []string{"true"}, Cwd: t.TempDir(), Env: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	var out cleanupOut
	h.ok("cleanup", map[string]any{}, &out)
	if len(out.Stopped) != 1 || out.Stopped[0] != mine.Task.ID || len(out.Removed) != 2 {
		t.Fatalf("session cleanup: %+v", out)
	}
	var listed listOut
	h.ok("list", map[string]any{}, &listed)
	if len(listed.Tasks) != 2 {
		t.Fatalf("left after session cleanup: %+v", listed.Tasks)
	}
	for _, o := range listed.Tasks {
		if o.Origin != "cli" {
			t.Errorf("cleanup left %s of origin %s", o.ID, o.Origin)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := h.e.Wait(wctx, theirsDone.ID); err != nil {
		t.Fatal(err)
	}
	h.ok("cleanup", map[string]any{"scope": "all_finished"}, &out)
	if len(out.Stopped) != 0 || len(out.Removed) != 1 || out.Removed[0] != theirsDone.ID {
		t.Errorf("all_finished: %+v", out)
	}
	if tk, err := h.e.Get(ctx, theirs.ID); err != nil || tk.Status != task.Running {
		t.Errorf("a person's running task after cleanup: %v, %v", tk.Status, err)
	}
}

// A task run with a restart policy is started again by its monitor, as
// `ghost run --restart` is, and wait waits through the restarts.
func TestRunRestartsUpToMaxRestarts(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": "echo ran; exit 1", "restart": "on-failure", "max_restarts": 1})
	w := h.waitExit(run.Task.ID)
	if w.ExitCode == nil || *w.ExitCode != 1 {
		t.Fatalf("wait: %+v", w)
	}
	if got := h.logs(map[string]any{"task": run.Task.ID, "cursor": "0"}); got.Text != "ran\nran\n" {
		t.Errorf("log after one restart: %q", got.Text)
	}
	h.invalid("run", map[string]any{"command": "true", "restart": "sometimes"})
	h.invalid("run", map[string]any{"command": "true", "max_restarts": 3})
}

// blockedWait starts a wait call for task id that blocks, and returns once
// the server is waiting: cancel ends the call, done gives its error.
func (h *harness) blockedWait(t *testing.T, id string) (context.CancelFunc, <-chan error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.cs.CallTool(ctx, &sdk.CallToolParams{Name: "wait", Arguments: map[string]any{"task": id, "timeout_s": 600}})
		done <- err
	}()
	eventually(t, "the wait to begin", func() bool { return h.srv.waits.Load() == 1 })
	return cancel, done
}

// cancelWait cancels a blockedWait and checks that the client got control
// back and the server's wait ended.
func cancelWait(t *testing.T, h *harness, cancel context.CancelFunc, done <-chan error) {
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call returned %v", err)
	}
	eventually(t, "the server's wait to end", func() bool { return h.srv.waits.Load() == 0 })
}
