//go:build unix

package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// ghost runs this test binary as the ghost command with the data directory
// dir and returns its stdout; a failure or any stderr output fails the test.
func ghost(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := ghostResult(dir, args...)
	if err != nil || errOut != "" {
		t.Fatalf("ghost %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func ghostResult(dir string, args ...string) (string, string, error) {
	return result(ghostCmd(dir, args...))
}

// ghostCmd runs this test binary as ghost with the data directory dir.
func ghostCmd(dir string, args ...string) *exec.Cmd {
	exe, _ := os.Executable()
	return ghostCommand(exe, dir, args...)
}

// ghostCommand runs the ghost binary bin with the data directory dir.
func ghostCommand(bin, dir string, args ...string) *exec.Cmd {
	cmd := &exec.Cmd{Path: bin, Args: append([]string{"ghost"}, args...)}
	cmd.Env = append(os.Environ(), "GHOST_DATA_DIR="+dir)
	return cmd
}

// result runs cmd and returns its stdout and stderr.
func result(cmd *exec.Cmd) (string, string, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// rawDB opens the task database directly, without ghost's reconciling.
func rawDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "tasks.db")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitRecorded waits, with a deadline, until the task's row reads want:
// its status and then its exit code or signal, as "exited 3" or
// "killed SIGTERM". It reads SQLite directly, not through ghost.
func waitRecorded(t *testing.T, db *sql.DB, id, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		err := db.QueryRow(`SELECT status || ' ' || coalesce(exit_code, signal, '') FROM tasks WHERE id = ?`, id).Scan(&got)
		if err == nil && got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("task %s is %q, want %q", id, got, want)
}

func cleanupTasks(t *testing.T, dir string) {
	t.Cleanup(func() { stopAllOrFail(t, dir) })
}

// The monitor records the exit code and the real end time by itself: no
// ghost command runs between the start and the check, which reads the
// database directly.
func TestExitRecordedWithoutAnyGhostCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	stamp := filepath.Join(t.TempDir(), "ended")
	id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", "sleep 1; touch "+stamp+"; exit 42"))
	db := rawDB(t, dir)
	waitRecorded(t, db, id, "exited 42")
	seen := time.Now()
	var code, started, finished int64
	if err := db.QueryRow(`SELECT exit_code, started_at, finished_at FROM tasks WHERE id = ?`, id).Scan(&code, &started, &finished); err != nil {
		t.Fatal(err)
	}
	if code != 42 {
		t.Errorf("exit_code = %d, want 42", code)
	}
	fi, err := os.Stat(stamp)
	if err != nil {
		t.Fatal(err)
	}
	// Orderings, not durations: the end was recorded after the task's
	// last act and no later than the moment the row was first seen ended
	// (a time taken at reading, or a default, would fall outside).
	if finished < fi.ModTime().Unix() || finished > seen.Unix() {
		t.Errorf("finished_at %d is not between the real end %d and the moment it was read %d", finished, fi.ModTime().Unix(), seen.Unix())
	}
	if finished < started {
		t.Errorf("finished_at %d is before started_at %d", finished, started)
	}
}

// Fifty launches at once are all recorded, each with its own exit code,
// and none prints anything on stderr.
func TestFiftyConcurrentRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	const n = 50
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, errOut, err := ghostResult(dir, "run", "sh", "-c", fmt.Sprintf("exit %d", i))
			if err != nil || errOut != "" {
				errs <- fmt.Errorf("run %d: %v: %s", i, err, errOut)
				return
			}
			ids[i] = strings.TrimSpace(out)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	db := rawDB(t, dir)
	for i, id := range ids {
		waitRecorded(t, db, id, "exited "+strconv.Itoa(i))
	}
	var count int
	db.QueryRow(`SELECT count(*) FROM tasks`).Scan(&count)
	if count != n {
		t.Errorf("%d tasks recorded, want %d", count, n)
	}
}

// startVictim starts a process that is not a ghost task, in a process
// group of its own, and returns it.
func startVictim(t *testing.T) *exec.Cmd {
	t.Helper()
	victim := exec.Command("sleep", "300")
	victim.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Process.Kill(); victim.Wait() })
	return victim
}

// A row whose pid now belongs to another process (another start time, or
// another boot) is never signalled: stop and kill refuse, the stranger
// lives on, and the task becomes unknown.
func TestReusedPidIsNeverSignalled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, tamper string
	}{
		{"other start time", `proc_start = proc_start + 1`},
		{"other boot", `boot_id = 'an-earlier-boot'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cleanupTasks(t, dir)
			id := strings.TrimSpace(ghost(t, dir, "run", "true"))
			db := rawDB(t, dir)
			waitRecorded(t, db, id, "exited 0")

			// Make the finished row claim the victim's pid, as if the task
			// still ran and its pid had been handed to the victim.
			victim := startVictim(t)
			pid := victim.Process.Pid
			start := procStart(t, pid)
			if _, err := db.Exec(`UPDATE tasks SET status = 'running', exit_code = NULL, finished_at = NULL,
				pid = ?, pgid = ?, proc_start = ?, monitor_pid = 0 WHERE id = ?`, pid, pid, start, id); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`UPDATE tasks SET `+tc.tamper+` WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"kill", id}, {"kill", "-s", "TERM", id}, {"stop", "-t", "0", id}} {
				if _, _, err := ghostResult(dir, args...); err == nil {
					t.Errorf("ghost %v succeeded on a reused pid", args)
				}
			}
			if err := syscall.Kill(pid, 0); err != nil {
				t.Fatalf("the victim was signalled: %v", err)
			}
			if st := procState(t, pid); st == "Z" {
				t.Fatal("the victim was killed")
			}
			out := ghost(t, dir, "status", "--json", id)
			if !strings.Contains(out, `"status": "unknown"`) {
				t.Errorf("status after reuse:\n%s", out)
			}
		})
	}
}

func procStat(t testing.TB, pid int) []string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Skip("needs /proc:", err)
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

func procStart(t *testing.T, pid int) uint64 {
	v, err := strconv.ParseUint(procStat(t, pid)[19], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func procState(t *testing.T, pid int) string { return procStat(t, pid)[0] }

// A task whose monitor is killed with SIGKILL is shown unknown once the
// task ends, never running forever.
func TestMonitorKilledTaskBecomesUnknown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "sleep", "300"))
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tk, err := e.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(tk.MonitorPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"status": "running"`) {
		t.Fatalf("the task still runs, but status says:\n%s", out)
	}
	syscall.Kill(tk.PID, syscall.SIGKILL)
	deadline := time.Now().Add(30 * time.Second)
	for {
		tk, err = e.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != task.Running || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tk.Status != task.Unknown {
		t.Fatalf("status %s, want unknown", tk.Status)
	}
}

// A descriptor the caller left open (a CI runner's pipe) reaches neither
// the monitor nor the task: the runner sees the pipe close as soon as
// ghost run returns, not when the task ends.
func TestInheritedDescriptorsDoNotReachTheTask(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// As descriptor 8: the monitor's own 3 and 4 would cover a lower one.
	cmd := ghostCmd(dir, "run", "sleep", "30")
	cmd.ExtraFiles = []*os.File{nil, nil, nil, nil, nil, w}
	out, err := cmd.Output()
	w.Close()
	if err != nil {
		t.Fatalf("ghost run: %v", err)
	}
	id := strings.TrimSpace(string(out))
	r.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("read %d bytes, %v: the pipe is still held open (want EOF at once)", n, err)
	}
	if s := ghost(t, dir, "status", id); !strings.Contains(s, "running") {
		t.Fatalf("task not running: %s", s)
	}
}

// Once its task has run a while, quiet between lines, a monitor hands the
// waiting to a fresh image of itself (so what starting took is gone), with
// the same pid: no line is lost or repeated across the hand-over, and the
// end is still recorded.
func TestMonitorWaitsInAFreshImage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	script := `i=1; while [ $i -le 12 ]; do echo line$i; i=$((i+1)); sleep 0.3; done; exit 7`
	id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", script))
	db := rawDB(t, dir)
	var monitorPID int
	if err := db.QueryRow(`SELECT monitor_pid FROM tasks WHERE id = ?`, id).Scan(&monitorPID); err != nil || monitorPID <= 0 {
		t.Fatalf("monitor_pid %d, %v", monitorPID, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		cmdline, err := commandLine(monitorPID)
		if err != nil {
			t.Fatalf("monitor %d gone before it re-executed: %v", monitorPID, err)
		}
		if strings.Contains(string(cmdline), "__ghost_monitor_wait") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("monitor still in its first image: %q", cmdline)
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitRecorded(t, db, id, "exited 7")
	var want strings.Builder
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&want, "line%d\n", i)
	}
	if out := ghost(t, dir, "log", id); out != want.String() {
		t.Errorf("log %q, want %q", out, want.String())
	}
}

// commandLine is the arguments process pid runs with: from /proc where
// there is one, else from ps (macOS).
func commandLine(pid int) (string, error) {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil || !os.IsNotExist(err) {
		return string(b), err
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		return "", fmt.Errorf("process %d is gone", pid)
	}
	out, err := exec.Command("ps", "-o", "args=", "-p", strconv.Itoa(pid)).Output()
	return string(out), err
}
