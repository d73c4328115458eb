//go:build unix

package engine

import (
	"bytes"
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/lifecycle"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func policy(mode task.RestartMode, max int, delay time.Duration) task.RestartPolicy {
	return task.RestartPolicy{Mode: mode, MaxRestarts: max, Delay: delay, DelayMax: 4 * delay, MinUptime: time.Hour}
}

func supervised(p task.RestartPolicy, argv ...string) Spec {
	s := spec(argv...)
	s.Restart = p
	return s
}

// until polls the task until cond holds, or fails the test.
func until(t *testing.T, e *Engine, id, what string, cond func(task.Task) bool) task.Task {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		tk, err := e.Get(context.Background(), id)
		if err == nil && cond(tk) {
			return tk
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s: %+v, %v", what, tk.Listing, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A crash loop restarts, each run in the log, and gives up after
// MaxRestarts in a row, ending as its last run did; Wait returns only
// then.
func TestCrashLoopGivesUp(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	id, err := e.Launch(ctx, supervised(policy(task.RestartOnFailure, 3, 20*time.Millisecond), "sh", "-c", "echo run; exit 3"))
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != task.Exited || *done.ExitCode != 3 || done.Restarts != 3 || done.GaveUp != 3 {
		t.Errorf("ended %s %v after %d restarts, gave up %d; want exited 3 after 3, gave up 3", done.Status, done.ExitCode, done.Restarts, done.GaveUp)
	}
	runs, err := e.Runs(ctx, id)
	if err != nil || len(runs) != 4 {
		t.Fatalf("runs %+v, %v; want 4", runs, err)
	}
	for i, r := range runs {
		if r.PID <= 0 || r.ExitCode == nil || *r.ExitCode != 3 || r.FinishedAt.IsZero() {
			t.Errorf("run %d: %+v", i+1, r)
		}
		if i > 0 && !r.StartedAt.After(runs[i-1].FinishedAt) {
			t.Errorf("run %d started before run %d ended", i+1, i)
		}
	}
	var out bytesBuffer
	e.Log(&out, id, LogOptions{Tail: -1})
	if out.String() != "run\nrun\nrun\nrun\n" {
		t.Errorf("log %q, want every run's output", out.String())
	}
}

// always restarts after exit 0 too; on-failure does not.
func TestAlwaysRestartsAfterSuccess(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	always, _ := e.Launch(ctx, supervised(policy(task.RestartAlways, 2, 10*time.Millisecond), "true"))
	onFailure, _ := e.Launch(ctx, supervised(policy(task.RestartOnFailure, 2, 10*time.Millisecond), "true"))
	if done, _ := e.Wait(ctx, always); done.Restarts != 2 || done.Status != task.Exited {
		t.Errorf("always: %s after %d restarts, want exited after 2", done.Status, done.Restarts)
	}
	if done, _ := e.Wait(ctx, onFailure); done.Restarts != 0 || done.Status != task.Exited {
		t.Errorf("on-failure after exit 0: %s after %d restarts, want no restart", done.Status, done.Restarts)
	}
}

// A run that lasts MinUptime is stable: the count of restarts in a row
// starts over, so a policy of one restart in a row goes on.
func TestStableRunResetsTheCount(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	p := policy(task.RestartOnFailure, 1, 10*time.Millisecond)
	p.MinUptime = 100 * time.Millisecond
	id, _ := e.Launch(ctx, supervised(p, "sh", "-c", "sleep 0.3; exit 1"))
	until(t, e, id, "three restarts", func(tk task.Task) bool { return tk.Restarts >= 3 || tk.Status.Finished() })
	if done, _ := e.Stop(ctx, id, DefaultStopGrace); done.Restarts < 3 || done.GaveUp != 0 {
		t.Errorf("ended after %d restarts, gave up %d; want stable runs to go on", done.Restarts, done.GaveUp)
	}
}

// Stop ends a supervised task for good, during a run and during a delay
// (then at once), and a kill too.
func TestStopNeverRestarts(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	running, _ := e.Launch(ctx, supervised(policy(task.RestartAlways, task.UnlimitedRestarts, 10*time.Millisecond), "sleep", "300"))
	waiting, _ := e.Launch(ctx, supervised(policy(task.RestartOnFailure, task.UnlimitedRestarts, time.Hour), "sh", "-c", "exit 4"))
	killed, _ := e.Launch(ctx, supervised(policy(task.RestartAlways, task.UnlimitedRestarts, 10*time.Millisecond), "sleep", "300"))

	done, err := e.Stop(ctx, running, DefaultStopGrace)
	if err != nil || done.Status != task.Killed || done.Restarts != 0 {
		t.Errorf("stopped during a run: %s after %d restarts, %v", done.Status, done.Restarts, err)
	}
	tk := until(t, e, waiting, "restarting", func(tk task.Task) bool { return tk.Status == task.Restarting })
	if tk.NextRestartAt.IsZero() {
		t.Error("restarting with no next start")
	}
	if err := e.Signal(ctx, waiting, syscall.SIGTERM); !errors.Is(err, task.ErrNotRunning) {
		t.Errorf("a signal while no run is under way: %v, want ErrNotRunning", err)
	}
	if done, err = e.Stop(ctx, waiting, DefaultStopGrace); err != nil || done.Status != task.Exited || *done.ExitCode != 4 || done.Restarts != 0 {
		t.Errorf("stopped during a delay: %s %v after %d restarts, %v; want the last run's end", done.Status, done.ExitCode, done.Restarts, err)
	}
	until(t, e, killed, "running", func(tk task.Task) bool { return tk.PID > 0 })
	if err := e.Kill(ctx, killed, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if done, _ = e.Wait(ctx, killed); done.Status != task.Killed || done.Restarts != 0 {
		t.Errorf("killed: %s after %d restarts", done.Status, done.Restarts)
	}
}

// A signal ghost did not send (kill -TERM from another shell) restarts
// under on-failure; the new run has its own identity, recorded.
func TestOutsideSignalRestarts(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	id, _ := e.Launch(ctx, supervised(policy(task.RestartOnFailure, task.UnlimitedRestarts, 10*time.Millisecond), "sleep", "300"))
	first := until(t, e, id, "running", func(tk task.Task) bool { return tk.PID > 0 })
	syscall.Kill(first.PID, syscall.SIGTERM)
	second := until(t, e, id, "restarted", func(tk task.Task) bool { return tk.Restarts == 1 && tk.Status == task.Running })
	if second.PID == first.PID || second.ProcStart == 0 || second.StartedAt != first.StartedAt {
		t.Errorf("after a restart: pid %d (was %d), start %d, task start %v (was %v)", second.PID, first.PID, second.ProcStart, second.StartedAt, first.StartedAt)
	}
	runs, _ := e.Runs(ctx, id)
	if len(runs) != 2 || runs[0].Signal != "SIGTERM" || runs[1].PID != second.PID {
		t.Errorf("runs %+v", runs)
	}
}

// A monitor killed with SIGKILL leaves its task unknown: nothing
// restarts it (no daemon).
func TestKilledMonitorDoesNotRestart(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	id, _ := e.Launch(ctx, supervised(policy(task.RestartAlways, task.UnlimitedRestarts, 10*time.Millisecond), "sleep", "300"))
	tk := until(t, e, id, "running", func(tk task.Task) bool { return tk.PID > 0 })
	syscall.Kill(tk.MonitorPID, syscall.SIGKILL)
	until(t, e, id, "the monitor gone", func(task.Task) bool { return !lifecycleMonitorLive(tk) })
	syscall.Kill(-tk.PGID, syscall.SIGKILL)
	done := until(t, e, id, "ended", func(tk task.Task) bool { return tk.Status.Finished() })
	if done.Status != task.Unknown || done.Restarts != 0 {
		t.Errorf("%s after %d restarts, want unknown", done.Status, done.Restarts)
	}
}

type bytesBuffer = bytes.Buffer

func lifecycleMonitorLive(t task.Task) bool { return lifecycle.MonitorIdentity(t).Live() }

// A monitor that handed over to a fresh image (its task ran quietly for a
// second) restarts the task all the same, from what the row holds.
func TestRestartAfterTheHandOver(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	s := supervised(policy(task.RestartOnFailure, 1, 10*time.Millisecond), "sh", "-c", "echo $GREETING; sleep 1.6; exit 5")
	s.Env = append(s.Env, "GREETING=hello")
	id, _ := e.Launch(ctx, s)
	done, err := e.Wait(ctx, id)
	if err != nil || done.Status != task.Exited || *done.ExitCode != 5 || done.Restarts != 1 || done.GaveUp != 1 {
		t.Fatalf("%s %v after %d restarts (gave up %d), %v", done.Status, done.ExitCode, done.Restarts, done.GaveUp, err)
	}
	var out bytes.Buffer
	e.Log(&out, id, LogOptions{Tail: -1})
	if out.String() != "hello\nhello\n" {
		t.Errorf("log %q: the second run lacks the task's environment", out.String())
	}
}
