//go:build unix

package main

// Faults and load inflicted on the real binary, one test per row of
// docs/reliability.md. Tests that take minutes run only with
// GHOST_LONG_TESTS=1, which .ci/run sets.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func long(t *testing.T) {
	if os.Getenv("GHOST_LONG_TESTS") != "1" {
		t.Skip("a long test: set GHOST_LONG_TESTS=1 (.ci/run does)")
	}
}

// 200 launches at once, mixed with list, status and stop from other
// processes: every task recorded with its exit code, no error printed.
func TestLoad200RunsWithReadersAndStoppers(t *testing.T) {
	long(t)
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	const n = 200
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan string, 4*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := fmt.Sprintf("exit %d", i%256)
			if i%10 == 0 {
				cmd = "exec sleep 300" // stopped below
			}
			out, errOut, err := ghostResult(dir, "run", "sh", "-c", cmd)
			if err != nil || errOut != "" {
				errs <- fmt.Sprintf("run %d: %v %s", i, err, errOut)
				return
			}
			ids[i] = strings.TrimSpace(out)
			if i%10 == 0 {
				if _, errOut, err := ghostResult(dir, "stop", "-t", "5s", ids[i]); err != nil {
					errs <- fmt.Sprintf("stop %d: %v %s", i, err, errOut)
				}
			}
		}()
		if i%4 == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, args := range [][]string{{"list"}, {"list", "--json"}, {"status", "--json", "nonexistent-name"}} {
					_, errOut, err := ghostResult(dir, args...)
					if args[0] == "status" {
						if !strings.Contains(errOut, "no such task") {
							errs <- "status: " + errOut
						}
						continue
					}
					if err != nil || errOut != "" {
						errs <- fmt.Sprintf("%v: %v %s", args, err, errOut)
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if t.Failed() {
		return
	}
	db := rawDB(t, dir)
	for i, id := range ids {
		if i%10 == 0 {
			waitRecorded(t, db, id, "killed SIGTERM")
			continue
		}
		waitRecorded(t, db, id, "exited "+strconv.Itoa(i%256))
	}
	out := ghost(t, dir, "list", "-s", "running", "-q")
	if out != "" {
		t.Errorf("still running: %s", out)
	}
}

// A task flooding 300 MB of output: every byte captured, exit recorded.
func TestFlood300MB(t *testing.T) {
	long(t)
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "--log-max-size", "1G", "sh", "-c", "head -c 300M /dev/zero; exit 9"))
	ghostWait(t, dir, id)
	st := ghost(t, dir, "status", "--json", id)
	if !strings.Contains(st, `"exit_code": 9`) {
		t.Fatalf("status: %s", st)
	}
	fi, err := os.Stat(filepath.Join(dir, "logs", id+".log"))
	if err != nil || fi.Size() != 300<<20 {
		t.Fatalf("log holds %v bytes (%v), want %d", fi.Size(), err, 300<<20)
	}
}

// ghostWait waits for the task with `ghost wait` and ignores its status.
func ghostWait(t *testing.T, dir, id string) {
	t.Helper()
	ghostResult(dir, "wait", "-t", "5m", id)
}

// 10,000 finished tasks in history: every command still answers, right.
func TestTenThousandTasksInHistory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, dir)
	tx, _ := db.Begin()
	for i := range 10000 {
		tx.Exec(`INSERT INTO tasks (id, pid, command, status, exit_code, started_at, finished_at, log_path, name)
			VALUES (?, ?, '["true"]', 'exited', ?, ?, ?, '/x', ?)`,
			fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), 1000+i, i%3, 1700000000+i, 1700000001+i, fmt.Sprintf("job%d", i))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	e.Close()
	if n := strings.Count(ghost(t, dir, "list", "-q"), "\n"); n != 10000 {
		t.Errorf("list -q: %d lines", n)
	}
	if out := ghost(t, dir, "status", "--json", "job9999"); !strings.Contains(out, `"exit_code": 0`) {
		t.Errorf("status job9999: %s", out)
	}
	if out := ghost(t, dir, "list", "--json"); strings.Count(out, `"id"`) != 10000 {
		t.Error("list --json is not complete")
	}
}

// The task killed from outside (not through ghost) is recorded killed,
// with the signal.
func TestTaskKilledFromOutside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "sleep", "300"))
	tk := runningTask(t, dir, id)
	if err := syscall.Kill(tk.PID, syscall.SIGSEGV); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, dir)
	waitRecorded(t, db, id, "killed SIGSEGV")
}

// The database write-locked by another process for 5 s while tasks end:
// once the lock is gone, every exit code is there.
func TestDatabaseLockedWhileTasksEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	var ids []string
	for i := range 5 {
		ids = append(ids, strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", fmt.Sprintf("sleep 0.5; exit %d", 10+i))))
	}
	locker := rawDB(t, dir)
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // the fault itself: a lock held this long
	conn.ExecContext(context.Background(), "COMMIT")
	conn.Close()
	db := rawDB(t, dir)
	for i, id := range ids {
		waitRecorded(t, db, id, "exited "+strconv.Itoa(10+i))
	}
}

// A database written by a newer ghost is refused; a corrupt one reported;
// both left exactly as they were.
func TestNewerAndCorruptDatabases(t *testing.T) {
	t.Parallel()
	t.Run("newer", func(t *testing.T) {
		dir := t.TempDir()
		ghost(t, dir, "list")
		db, _ := sql.Open("sqlite3", filepath.Join(dir, "tasks.db"))
		db.Exec("PRAGMA user_version = 42")
		db.Close()
		before, _ := os.ReadFile(filepath.Join(dir, "tasks.db"))
		// run leaves the database to the task's monitor: the refusal and
		// its hint must cross back to the launcher all the same.
		for _, args := range [][]string{{"list"}, {"run", "true"}} {
			_, errOut, err := ghostResult(dir, args...)
			if err == nil || !strings.Contains(errOut, "database schema version 42 is newer than this ghost understands") ||
				!strings.Contains(errOut, "hint: this database was written by a newer ghost") {
				t.Errorf("%v: err %v, stderr %q", args, err, errOut)
			}
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "tasks.db")); !bytes.Equal(before, after) {
			t.Error("the newer database was changed")
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, "logs"), 0o700)
		junk := bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 2048)
		os.WriteFile(filepath.Join(dir, "tasks.db"), junk, 0o600)
		for _, args := range [][]string{{"list"}, {"run", "true"}, {"status", "x"}} {
			_, errOut, err := ghostResult(dir, args...)
			if err == nil || !strings.Contains(errOut, "database file is corrupt or not a ghost database") ||
				!strings.Contains(errOut, "hint: ghost left the file untouched") {
				t.Errorf("%v: err %v, stderr %q", args, err, errOut)
			}
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "tasks.db")); !bytes.Equal(junk, after) {
			t.Error("the corrupt database was changed")
		}
	})
}

// The launcher killed at any moment: no row stays running for a task
// that never started. Either there is no row, or the task runs (its
// monitor carried on) and ends as recorded.
func TestLauncherKilledMidway(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	ghost(t, dir, "list")
	for i := range 20 {
		cmd := ghostCmd(dir, "run", "sh", "-c", "sleep 0.3; exit 5")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Intn(30)) * time.Millisecond * time.Duration(i%3))
		cmd.Process.Kill()
		cmd.Wait()
	}
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tasks, err := e.List(context.Background(), engine.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		running := 0
		for _, tk := range tasks {
			switch {
			case tk.Status == task.Running:
				running++
			case tk.Status != task.Exited || *tk.ExitCode != 5:
				t.Fatalf("task %s ended %s, want exited 5", tk.ShortID(), tk.Status)
			}
		}
		if running == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tasks still running", running)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A monitor that died between reserving the row and starting the command
// (pid still 0) leaves a row that reads as unknown, not running.
func TestRowOfANeverStartedTaskIsUnknown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ghost(t, dir, "list")
	dead := exec.Command("true")
	dead.Run()
	db := rawDB(t, dir)
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if _, err := db.Exec(`INSERT INTO tasks (id, pid, command, status, started_at, log_path, boot_id, monitor_pid, monitor_start)
		VALUES ('99999999-0000-4000-8000-000000000000', 0, '["x"]', 'running', 1700000000, '/x', ?, ?, 1)`,
		strings.TrimSpace(string(boot)), dead.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if out := ghost(t, dir, "status", "--json", "99999999"); !strings.Contains(out, `"status": "unknown"`) {
		t.Errorf("status: %s", out)
	}
}

// Huge argv and environments, names with spaces and unicode, and hostile
// bytes in everything: kept exactly, shown escaped.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	big := strings.Repeat("x", 100_000)
	args := []string{"run", "-n", "名前 with spaces ✓"}
	for i := range 300 {
		args = append(args, "-e", fmt.Sprintf("VAR_%d=%s", i, strings.Repeat("v", 500)))
	}
	args = append(args, "sh", "-c", `printf '%s' "$1" | wc -c; printf '%s\n' "$VAR_299" | wc -c; printf 'bad \377\033[31m\n'`, "sh", big)
	id := strings.TrimSpace(ghost(t, dir, args...))
	ghostWait(t, dir, id)
	out := ghost(t, dir, "log", "名前 with spaces ✓")
	if !strings.Contains(out, "100000\n501\n") || !strings.Contains(out, "bad \xff\x1b[31m") {
		t.Errorf("log: %q", out)
	}
	list := ghost(t, dir, "list")
	// Byte by byte: ContainsAny would read "\xff" as U+FFFD.
	if !strings.Contains(list, "名前 with spaces ✓") || strings.Contains(list, "\x1b") || strings.Contains(list, "\xff") {
		t.Errorf("list: %q", list)
	}
	// invalid UTF-8 and bidi in a command and a name: escaped, never raw
	id2 := strings.TrimSpace(ghost(t, dir, "run", "-n", "n\u202eame\xff", "echo", "\xfe\u2066x"))
	for _, args := range [][]string{{"list"}, {"status", id2}} {
		out := ghost(t, dir, args...)
		if strings.Contains(out, "\u202e") || strings.Contains(out, "\xff") || strings.Contains(out, "\u2066") {
			t.Errorf("%v shows raw bytes: %q", args, out)
		}
		if !strings.Contains(out, `\u202e`) || !strings.Contains(out, `\xff`) {
			t.Errorf("%v does not show the escapes: %q", args, out)
		}
	}
}

// A real pid reuse: the task's process and monitor are gone unrecorded,
// and pids are cycled until a new process holds the task's old pid. stop
// and kill must leave that newcomer alone.
func TestRealPidReuse(t *testing.T) {
	long(t)
	max, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Skip("no /proc/sys/kernel/pid_max:", err)
	}
	// As root the cycler asks the kernel for the pid (ns_last_pid);
	// otherwise it forks through every pid.
	if n, _ := strconv.Atoi(strings.TrimSpace(string(max))); n > 100_000 && os.Geteuid() != 0 {
		t.Skipf("pid_max is %d and not root: cycling that many pids takes too long, and only root may choose the next pid", n)
	}
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "sleep", "300"))
	tk := runningTask(t, dir, id)
	// The end goes unrecorded: monitor first, then the task.
	syscall.Kill(tk.MonitorPID, syscall.SIGKILL)
	syscall.Kill(tk.PID, syscall.SIGKILL)
	waitGone(t, tk.PID)
	// A small C program forks until the kernel hands out the task's old
	// pid again (Go's own forks are too slow to cycle pid_max in time).
	cycler := filepath.Join(t.TempDir(), "pidcycle")
	if out, err := exec.Command("cc", "-O2", "-o", cycler, "testdata/pidcycle/pidcycle.c").CombinedOutput(); err != nil {
		t.Skipf("no C compiler to build the pid cycler: %v %s", err, out)
	}
	limit, _ := strconv.Atoi(strings.TrimSpace(string(max)))
	out, err := exec.Command(cycler, strconv.Itoa(tk.PID), strconv.Itoa(3*limit)).Output()
	if err != nil {
		t.Skipf("pid %d did not come round (another process took it): %v", tk.PID, err)
	}
	newcomer, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	defer syscall.Kill(newcomer, syscall.SIGKILL)
	if newcomer != tk.PID {
		t.Fatalf("cycler returned %d", newcomer)
	}
	for _, args := range [][]string{{"kill", id}, {"stop", "-t", "0", id}, {"kill", "-s", "TERM", id}} {
		if _, _, err := ghostResult(dir, args...); err == nil {
			t.Errorf("ghost %v succeeded", args)
		}
	}
	if err := syscall.Kill(newcomer, 0); err != nil || procState(t, newcomer) == "Z" {
		t.Fatal("the newcomer holding the old pid was signalled")
	}
	if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"status": "unknown"`) {
		t.Errorf("status: %s", out)
	}
}

// runningTask reads task id, which must be running with a known pid and
// monitor: a test signals these pids, and a zero pid would be its own
// process group.
func runningTask(t *testing.T, dir, id string) task.Task {
	t.Helper()
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	tk, err := e.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != task.Running || tk.PID <= 0 || tk.MonitorPID <= 0 {
		t.Fatalf("task %s is %s with pid %d, monitor %d; want running", id, tk.Status, tk.PID, tk.MonitorPID)
	}
	return tk
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for processLives(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still lives", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tasks.db moved away while a task ends, then moved back: the monitor
// finds no database (and creates none), keeps its exit record, and the
// end is read from it once the file is back.
func TestDatabaseMovedAwayAndBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	flag := filepath.Join(t.TempDir(), "running")
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", `while [ -e "$0" ]; do sleep 0.05; done; exit 6`, flag))
	tk := runningTask(t, dir, id)
	away := t.TempDir()
	files := []string{"tasks.db", "tasks.db-wal", "tasks.db-shm"}
	for _, f := range files {
		if err := os.Rename(filepath.Join(dir, f), filepath.Join(away, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	os.Remove(flag) // the task ends now
	waitGone(t, tk.MonitorPID)
	if _, err := os.Stat(filepath.Join(dir, "tasks.db")); err == nil {
		t.Error("the monitor created a database in place of the one moved away")
	}
	for _, f := range files {
		if err := os.Rename(filepath.Join(away, f), filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"exit_code": 6`) {
		t.Errorf("status after the database came back: %s", out)
	}
	db := rawDB(t, dir)
	waitRecorded(t, db, id, "exited 6")
}
