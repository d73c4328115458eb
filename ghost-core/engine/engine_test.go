package engine

import (
	"context"
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// TestMain lets this test binary serve as the monitors it launches.
func TestMain(m *testing.M) {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	os.Exit(m.Run())
}

// stopAndSettle stops task t and waits until its monitor is gone: the
// monitor may still write (its exit record, the database) after the end
// is readable, and the temporary directory must outlive those writes.
func stopAndSettle(t *testing.T, e *Engine, tk task.Task) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.Stop(ctx, tk, 0); err != nil && !errors.Is(err, task.ErrNotRunning) {
		t.Errorf("stop: %v", err)
	}
	full, err := e.Store.Get(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	mon := proc.Identity{PID: full.MonitorPID, Start: full.MonitorStart, BootID: full.BootID}
	for deadline := time.Now().Add(30 * time.Second); mon.Alive(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("monitor %d of %s still runs", mon.PID, tk.ShortID())
		}
	}
}

// A task taken from a listing has no process identity; reconciling it, or
// removing it, must still see that it runs rather than take it for gone.
func TestListedRunningTaskIsJudgedByItsFullRow(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh and sleep, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	e, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	started, err := e.Run(ctx, RunOptions{Command: []string{"sleep", "30"}, Cwd: "/", Env: os.Environ(), Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, e, started)
	listed, err := e.List(ctx, store.Filter{})
	if err != nil || len(listed) != 1 {
		t.Fatalf("list: %v, %v", listed, err)
	}
	if got := e.Reconcile(ctx, listed[0]); got.Status != task.Running {
		t.Errorf("a running task reconciled from a listing became %s", got.Status)
	}
	if err := e.Remove(ctx, listed[0]); !errors.Is(err, task.ErrStillRunning) {
		t.Errorf("Remove of a running task from a listing: %v, want ErrStillRunning", err)
	}
	if fresh, _ := e.Find(ctx, started.ID); fresh.Status != task.Running {
		t.Errorf("task is %s after all that, want running", fresh.Status)
	}
}
