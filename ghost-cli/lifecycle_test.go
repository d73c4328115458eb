//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C while the database is write-locked by another process ends the
// command with 130, as any interruption, not with "database stayed busy".
func TestInterruptUnderAHeldLockExits130(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "sleep", "300"))
	db := rawDB(t, dir)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// An update takes the write lock and keeps it until the rollback.
	if _, err := tx.Exec(`UPDATE tasks SET name = name`); err != nil {
		t.Fatal(err)
	}
	cmd := ghostCmd(dir, "stop", id)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once it has the database open, its interrupt handler is in place
	// (installed before anything else) and it waits for the lock.
	deadline := time.Now().Add(30 * time.Second)
	for !holdsOpen(cmd.Process.Pid, filepath.Join(dir, "tasks.db")) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("ghost stop never opened the database")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("interrupted stop: %v, want exit 130; stderr %q", err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("interrupted stop printed %q", stderr.String())
	}
}

// holdsOpen reports whether process pid has the file path open.
func holdsOpen(pid int, path string) bool {
	fds, err := os.ReadDir("/proc/" + itoa(pid) + "/fd")
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/" + itoa(pid) + "/fd/" + fd.Name()); err == nil && target == path {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// A monitor SIGKILLed (the OOM killer does that) under a parent that
// never reaps (a container whose PID 1 is not an init) stays a zombie, as
// does its task once killed: neither serves anyone. The task reads unknown
// at once, stop says it is not running, wait returns 255, and its name is
// free again.
func TestZombieMonitorUnderANonReapingParent(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see zombies")
	}
	dir := t.TempDir()
	cleanupTasks(t, dir)
	exe, _ := os.Executable()
	// A subreaper that never waits: every orphan below it stays a zombie
	// until it exits.
	reaper := &exec.Cmd{Path: exe, Args: []string{"ghost-subreaper", "run", "-n", "zomb", "sleep", "300"},
		Env: append(os.Environ(), "GHOST_DATA_DIR="+dir)}
	stdin, err := reaper.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := reaper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := reaper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); reaper.Wait() }() // its zombies go to init, which reaps them
	line := make([]byte, 100)
	n, _ := out.Read(line)
	id := strings.TrimSpace(string(line[:n]))
	if len(id) != 36 {
		t.Fatalf("the subreaper's ghost run printed %q", id)
	}
	tk := taskRow(t, dir, id)
	// Once ghost run has exited, its monitor is the subreaper's.
	for deadline := time.Now().Add(30 * time.Second); procStat(t, tk.monitor)[1] != itoa(reaper.Process.Pid); {
		if time.Now().After(deadline) {
			t.Fatalf("the monitor's parent is %s, not the subreaper %d", procStat(t, tk.monitor)[1], reaper.Process.Pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The monitor first, so it cannot record the task's end.
	syscall.Kill(tk.monitor, syscall.SIGKILL)
	waitZombie(t, tk.monitor)
	syscall.Kill(-tk.pid, syscall.SIGKILL)
	waitZombie(t, tk.pid)

	if got := ghost(t, dir, "status", "--json", id); !strings.Contains(got, `"status": "unknown"`) {
		t.Errorf("status of a task whose monitor and process are zombies:\n%s", got)
	}
	if _, errOut, err := ghostResult(dir, "stop", "-t", "1", id); err == nil || !strings.Contains(errOut, "not running") {
		t.Errorf("stop: %v, %q; want not running", err, errOut)
	}
	_, _, err = ghostResult(dir, "wait", "-t", "5s", id)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 255 {
		t.Errorf("wait: %v, want exit 255", err)
	}
	if _, errOut, err := ghostResult(dir, "run", "-n", "zomb", "true"); err != nil {
		t.Errorf("the name stays taken: %v, %s", err, errOut)
	}
}

type taskIDs struct{ pid, monitor int }

func taskRow(t *testing.T, dir, id string) taskIDs {
	t.Helper()
	var r taskIDs
	if err := rawDB(t, dir).QueryRow(`SELECT pid, monitor_pid FROM tasks WHERE id = ?`, id).Scan(&r.pid, &r.monitor); err != nil {
		t.Fatal(err)
	}
	return r
}

func waitZombie(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); procState(t, pid) != "Z"; {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not become a zombie", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
