package lifecycle

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// exitAtOnce and sleeping are commands every system has. On Windows an
// exited process whose handle is still held keeps its pid, as a zombie.
var exitAtOnce, sleeping = []string{"sh", "-c", "exit 0"}, []string{"sleep", "60"}

func init() {
	if runtime.GOOS == "windows" {
		exitAtOnce, sleeping = []string{"cmd", "/c", "exit 0"}, []string{"ping", "-n", "60", "127.0.0.1"}
	}
}

// zombie starts a child that exits at once and is not reaped until the
// test ends: a zombie, as under a parent that never reaps.
func zombie(t *testing.T) proc.Identity {
	t.Helper()
	cmd := exec.Command(exitAtOnce[0], exitAtOnce[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Wait() })
	id, err := proc.Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); id.Live(); {
		if time.Now().After(deadline) {
			t.Fatal("the child did not end")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return id
}

func live(t *testing.T) proc.Identity {
	t.Helper()
	cmd := exec.Command(sleeping[0], sleeping[1:]...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	id, err := proc.Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func row(taskID, monitorID proc.Identity) task.Task {
	return task.Task{
		Listing:   task.Listing{ID: "aaaaaaaa-0000-4000-8000-000000000001", Name: "web", PID: taskID.PID, PGID: taskID.PID, Status: task.Running, Command: []string{"x"}},
		ProcStart: taskID.Start, BootID: taskID.BootID, MonitorPID: monitorID.PID, MonitorStart: monitorID.Start,
	}
}

// A zombie serves nobody: a task whose process and monitor are both
// zombies (a monitor SIGKILLed under a parent that never reaps) is not
// served, while a live process or a live monitor is.
func TestZombiesDoNotServe(t *testing.T) {
	z1, z2, l := zombie(t), zombie(t), live(t)
	if Served(row(z1, z2)) {
		t.Error("task and monitor both zombies: served")
	}
	if !Served(row(l, z2)) {
		t.Error("live process, zombie monitor: not served")
	}
	if !Served(row(z1, l)) {
		t.Error("zombie process, live monitor (recording the end): not served")
	}
}

type noNotes struct{}

func (noNotes) Read(string) (task.End, bool) { return task.End{}, false }
func (noNotes) Remove(string)                {}

// Reconciling such a row makes it unknown at once, and frees its name.
func TestReconcileMakesAZombieTaskUnknownAndFreesItsName(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "tasks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	z1, z2 := zombie(t), zombie(t)
	r := row(z1, z2)
	if err := st.Reserve(ctx, r, Live, func(task.Task) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if err := Started(ctx, st, r.ID, Run{PID: z1.PID, ProcStart: z1.Start, StartedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	full, _ := st.Get(ctx, r.ID)
	if got := Reconcile(ctx, st, noNotes{}, full); got.Status != task.Unknown {
		t.Errorf("reconciled to %s, want unknown", got.Status)
	}
	again := r
	again.ID = "aaaaaaaa-0000-4000-8000-000000000002"
	if err := Reserve(ctx, st, again); err != nil {
		t.Errorf("the name stays taken: %v", err)
	}
}

// The table allows what the functions do and nothing else.
func TestTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to task.Status
		by       Actor
		want     bool
	}{
		{task.Running, task.Exited, Monitor, true},
		{task.Unknown, task.Exited, Monitor, true},
		{task.Exited, task.Killed, Monitor, false},
		{task.Unknown, task.Exited, Reader, false},
		{task.Running, task.Unknown, Reader, true},
		{task.Restarting, task.Running, Monitor, true},
		{task.Running, None, Remover, false},
		{task.Exited, None, Remover, true},
	} {
		if got := Allowed(tc.from, tc.to, tc.by); got != tc.want {
			t.Errorf("Allowed(%s → %s by %s) = %v", tc.from, tc.to, tc.by, got)
		}
	}
	// Every state is reached, and every finished one can be removed.
	for _, s := range task.Statuses {
		reached := false
		for _, tr := range Transitions {
			reached = reached || tr.To == s
		}
		if !reached {
			t.Errorf("no transition reaches %s", s)
		}
		if s.Finished() && !Allowed(s, None, Remover) {
			t.Errorf("%s cannot be removed", s)
		}
	}
}
