package engine

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

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

// open opens an engine on a fresh data directory; at the end of the test
// every task still live is killed and its monitor waited for, so the
// directory can go.
func open(t *testing.T) *Engine {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("runs sh and sleep, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	dir := t.TempDir()
	e, err := OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		live, _ := e.List(ctx, Filter{Statuses: []task.Status{task.Running, task.Restarting}})
		for _, l := range live {
			e.Stop(ctx, l.ID, 0)
		}
		waitMonitors(t, dir)
		e.Close()
	})
	return e
}

// waitMonitors waits until no monitor of the data directory lives.
func waitMonitors(t *testing.T, dir string) {
	st, err := store.Open(context.Background(), filepath.Join(dir, "tasks.db"))
	if err != nil {
		return
	}
	defer st.Close()
	all, _ := st.List(context.Background(), store.Filter{})
	deadline := time.Now().Add(30 * time.Second)
	for _, l := range all {
		full, err := st.Get(context.Background(), l.ID)
		if err != nil {
			continue
		}
		mon := proc.Identity{PID: full.MonitorPID, Start: full.MonitorStart, BootID: full.BootID}
		for mon.Live() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func spec(argv ...string) Spec {
	return Spec{Command: argv, Cwd: "/", Env: os.Environ()}
}

// A task taken from a listing is a Listing; what is done with it goes by
// id, and the engine judges by the full row, so removing a running task
// from a listing never takes it for gone.
func TestListedRunningTaskIsJudgedByItsFullRow(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh and sleep, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	e := open(t)
	ctx := context.Background()
	started, err := e.Run(ctx, spec("sleep", "30"))
	if err != nil {
		t.Fatal(err)
	}
	listed, err := e.List(ctx, Filter{})
	if err != nil || len(listed) != 1 {
		t.Fatalf("list: %v, %v", listed, err)
	}
	if listed[0].Status != task.Running {
		t.Errorf("listed as %s", listed[0].Status)
	}
	if err := e.Remove(ctx, listed[0].ID); !errors.Is(err, task.ErrStillRunning) {
		t.Errorf("Remove of a running task from a listing: %v, want ErrStillRunning", err)
	}
	if fresh, _ := e.Get(ctx, started.ID); fresh.Status != task.Running {
		t.Errorf("task is %s after all that, want running", fresh.Status)
	}
}

// A failure to start keeps its type across the monitor's pipe.
func TestStartErrorsKeepTheirType(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	s := spec("sleep", "30")
	s.Name = "web"
	if _, err := e.Launch(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Launch(ctx, s); !errors.Is(err, task.ErrNameTaken) {
		t.Errorf("a taken name: %v, want task.ErrNameTaken", err)
	}
	if _, err := e.Launch(ctx, spec("no-such-command-anywhere")); !errors.Is(err, ErrCommandNotFound) {
		t.Errorf("a missing command: %v, want ErrCommandNotFound", err)
	}
	bad := spec("true")
	bad.Cwd = "/no/such/dir"
	if _, err := e.Launch(ctx, bad); !errors.Is(err, ErrNoCwd) {
		t.Errorf("a missing directory: %v, want ErrNoCwd", err)
	}
	var se *StartError
	if _, err := e.Launch(ctx, s); !errors.As(err, &se) || !strings.Contains(se.Error(), "web") {
		t.Errorf("a taken name: %v, want a StartError naming it", err)
	}
}

// A long-lived launcher (ghost-ui) parks no OS thread per task it
// launched: each monitor is reaped through the runtime's poller.
func TestThreadsStayFlatAcrossLaunches(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to count threads with")
	}
	e := open(t)
	ctx := context.Background()
	// Warm up: the runtime's own threads, the poller, the first fork.
	for range 3 {
		if _, err := e.Launch(ctx, spec("sleep", "300")); err != nil {
			t.Fatal(err)
		}
	}
	before := threads(t)
	const n = 100
	for i := range n {
		if _, err := e.Launch(ctx, spec("sleep", "300")); err != nil {
			t.Fatal(i, err)
		}
	}
	after := threads(t)
	// One thread per task would be +100; a few more threads for the
	// runtime's own needs are no leak.
	if after-before > 10 {
		t.Errorf("threads %d before %d launches, %d after: a thread per task", before, n, after)
	}
}

func threads(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatal("no thread count in /proc/self/status")
	return 0
}

// Stop records the request before it signals, and the task ends killed;
// a second stop says it is not running.
func TestStopRecordsTheRequestThenEnds(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	started, err := e.Run(ctx, spec("sleep", "30"))
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.Stop(ctx, started.ID, DefaultStopGrace)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != task.Killed || done.Signal != "SIGTERM" || !done.StopRequested {
		t.Errorf("after stop: %s %s, stop requested %v", done.Status, done.Signal, done.StopRequested)
	}
	if _, err := e.Stop(ctx, started.ID, 0); !errors.Is(err, task.ErrNotRunning) {
		t.Errorf("second stop: %v, want ErrNotRunning", err)
	}
	if err := e.Kill(ctx, started.ID, syscall.SIGKILL); !errors.Is(err, task.ErrNotRunning) {
		t.Errorf("kill of an ended task: %v, want ErrNotRunning", err)
	}
}

// Follow prints everything, then returns by itself once the task ended;
// Wait returns the recorded end.
func TestFollowAndWaitEndWithTheTask(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	id, err := e.Launch(ctx, spec("sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.1; done; exit 3"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := e.Follow(ctx, &out, id, LogOptions{Tail: -1}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "line 1\nline 2\nline 3\n" {
		t.Errorf("followed %q", out.String())
	}
	done, err := e.Wait(ctx, id)
	if err != nil || done.Status != task.Exited || ExitStatus(done.Listing) != 3 {
		t.Errorf("wait: %+v, %v", done.Listing, err)
	}
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	long, _ := e.Launch(ctx, spec("sleep", "30"))
	if _, err := e.Wait(tctx, long); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait past its deadline: %v", err)
	}
}

// The change feed wakes when another process writes the database.
func TestChangesWakeOnAnotherWriter(t *testing.T) {
	e := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := e.List(ctx, Filter{}); err != nil { // the database exists
		t.Fatal(err)
	}
	feed := e.Changes(ctx, time.Hour)
	if _, err := e.Launch(ctx, spec("true")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-feed:
	case <-time.After(20 * time.Second):
		t.Fatal("no wake-up after a task was recorded")
	}
	cancel()
	for range feed {
	}
}

// A cancelled context ends a wait for a write-locked database with the
// context's error, not "database stayed busy": Ctrl-C is an interruption.
func TestCancelUnderAHeldLockIsAnInterruption(t *testing.T) {
	e := open(t)
	ctx := context.Background()
	started, err := e.Run(ctx, spec("sleep", "30"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(e.dir.Path, "tasks.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE tasks SET name = name`); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { _, err := e.Stop(cctx, started.ID, 0); errc <- err }()
	time.AfterFunc(300*time.Millisecond, cancel)
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("stop cancelled under a lock: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("stop did not return after its context was cancelled")
	}
	tx.Rollback()
}

// ExitStatus is what a shell would report.
func TestExitStatus(t *testing.T) {
	three := 3
	for _, tc := range []struct {
		l    task.Listing
		want int
	}{
		{task.Listing{Status: task.Exited, ExitCode: &three}, 3},
		{task.Listing{Status: task.Killed, Signal: "SIGTERM"}, 143},
		{task.Listing{Status: task.Unknown}, 255},
	} {
		if got := ExitStatus(tc.l); got != tc.want {
			t.Errorf("ExitStatus(%+v) = %d, want %d", tc.l, got, tc.want)
		}
	}
}

// GHOST_LOG_MAX_SIZE and GHOST_LOG_MAX_FILES are read in one place for
// every launcher; a bad value is a bad setting.
func TestLogPolicyFromTheEnvironment(t *testing.T) {
	env := map[string]string{"GHOST_LOG_MAX_SIZE": "2K", "GHOST_LOG_MAX_FILES": "2"}
	e := &Engine{getenv: func(k string) string { return env[k] }}
	p, err := e.LogPolicy()
	if err != nil || p.MaxSize != 2048 || p.MaxFiles != 2 {
		t.Errorf("policy %+v, %v", p, err)
	}
	env["GHOST_LOG_MAX_SIZE"] = "huge"
	if _, err := e.LogPolicy(); !errors.Is(err, ErrBadSetting) || !strings.Contains(err.Error(), "$GHOST_LOG_MAX_SIZE") {
		t.Errorf("bad size: %v", err)
	}
}
