package main

// Faults that need Linux: a tmpfs mounted (as root) to fill a disk or make
// a filesystem read-only. See docs/reliability.md for where they run.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needMount makes a tmpfs at dir with the given options, or skips: only
// root may mount, as CI here does.
func needMount(t *testing.T, dir, opts string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}

// The log's disk full: the task is neither blocked nor killed, its end is
// recorded, and log and status say output was lost.
func TestLogDiskFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	ghost(t, dir, "list") // creates the directories
	needMount(t, filepath.Join(dir, "logs"), "size=256k,mode=0700")
	id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", "head -c 4M /dev/zero; echo done >&2; exit 0"))
	db := rawDB(t, dir)
	waitRecorded(t, db, id, "exited 0")
	st := ghost(t, dir, "status", id)
	if !strings.Contains(st, "warning:   output lost: ") || !strings.Contains(st, "no space left on device") {
		t.Errorf("status does not say output was lost:\n%s", st)
	}
	_, errOut, err := ghostResult(dir, "log", id)
	if err != nil || !strings.Contains(errOut, "ghost: log: warning: output lost") {
		t.Errorf("log: %v, stderr %q", err, errOut)
	}
}

// A data directory on a read-only filesystem, or owned by another user:
// a clear refusal, and nothing created.
func TestUnusableDataDirectories(t *testing.T) {
	t.Parallel()
	t.Run("read-only", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ro")
		os.Mkdir(dir, 0o700)
		needMount(t, dir, "ro,mode=0700")
		_, errOut, err := ghostResult(dir, "run", "true")
		if err == nil || !strings.HasPrefix(errOut, "ghost: opening data directory: ") {
			t.Errorf("err %v, stderr %q", err, errOut)
		}
	})
	t.Run("another owner", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to chown")
		}
		dir := filepath.Join(t.TempDir(), "theirs")
		os.Mkdir(dir, 0o700)
		os.Chown(dir, 65534, 65534)
		_, errOut, err := ghostResult(dir, "list")
		if err == nil || !strings.Contains(errOut, "owned by uid 65534, not by you") {
			t.Errorf("err %v, stderr %q", err, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("created %v in a refused directory", entries)
		}
	})
}

// unprivileged returns a ghost command runner that runs as an ordinary
// user, and a base directory that user may use: root enters every
// directory, so as root the commands run as uid 65534 from a copy of the
// test binary that user may execute. Not as root, they run as they are.
func unprivileged(t *testing.T) (func(dir string, args ...string) (string, string, error), string) {
	t.Helper()
	base := t.TempDir()
	exe, _ := os.Executable()
	if os.Geteuid() != 0 {
		return func(dir string, args ...string) (string, string, error) {
			return result(ghostCommand(exe, dir, args...))
		}, base
	}
	// t.TempDir's parent and itself are 0700: open them to the other user.
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(base, "ghost")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return func(dir string, args ...string) (string, string, error) {
		os.MkdirAll(dir, 0o700)
		os.Chown(dir, 65534, 65534)
		cmd := ghostCommand(bin, dir, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		return result(cmd)
	}, base
}

// A working directory the user may not enter is reported as such: not as
// the command's own "permission denied" (126), nor as "does not exist".
func TestWorkingDirectoryNotEnterable(t *testing.T) {
	t.Parallel()
	run, base := unprivileged(t)
	data := filepath.Join(base, "data")
	locked := filepath.Join(base, "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		os.Chmod(locked, 0)
		t.Cleanup(func() { os.Chmod(locked, 0o700) })
	}
	for _, cwd := range []string{locked, filepath.Join(locked, "inside")} {
		_, errOut, err := run(data, "run", "-c", cwd, "true")
		want := "ghost: run: " + cwd + ": working directory: permission denied\n"
		if code := exitCode(err); code != 1 || errOut != want {
			t.Errorf("run -c %s: exit %d, stderr %q; want exit 1 and %q", cwd, code, errOut, want)
		}
	}
	if out, errOut, err := run(data, "list", "-q"); err != nil || out != "" {
		t.Errorf("a task was left: %q %q %v", out, errOut, err)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// The whole data directory on a full disk: the exit code survives (its
// record's room was taken when the task started) and status names the
// disk as the cause of what was not written.
func TestDataDirectoryDiskFull(t *testing.T) {
	t.Parallel()
	t.Run("filled by the task", func(t *testing.T) {
		dir := t.TempDir()
		needMount(t, dir, "size=2m,mode=0700")
		cleanupTasks(t, dir)
		id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", "head -c 4000000 /dev/urandom; exit 3"))
		waitMonitors(t, dir)
		st := ghost(t, dir, "status", id)
		if !strings.Contains(st, "exited") || !strings.Contains(st, "no space left on device") {
			t.Errorf("status:\n%s", st)
		}
		if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"exit_code": 3`) {
			t.Errorf("status --json: %s", out)
		}
	})
	t.Run("filled by another", func(t *testing.T) {
		dir := t.TempDir()
		needMount(t, dir, "size=2m,mode=0700")
		cleanupTasks(t, dir)
		flag := filepath.Join(t.TempDir(), "running")
		os.WriteFile(flag, nil, 0o600)
		id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", `while [ -e "$0" ]; do sleep 0.05; done; exit 7`, flag))
		fill(t, filepath.Join(dir, "filler"))
		os.Remove(flag)
		waitMonitors(t, dir)
		st := ghost(t, dir, "status", id)
		if !strings.Contains(st, "exited") || !strings.Contains(st, "disk is full") {
			t.Errorf("status:\n%s", st)
		}
		if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"exit_code": 7`) {
			t.Errorf("status --json: %s", out)
		}
		// Room again: the end reaches the database.
		os.Remove(filepath.Join(dir, "filler"))
		ghost(t, dir, "list")
		waitRecorded(t, rawDB(t, dir), id, "exited 7")
	})
}

// fill writes path until the filesystem is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// waitMonitors waits until every monitor of dir's tasks is gone: their
// last word is written.
func waitMonitors(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, mon := range monitors(dir) {
		for mon.Live() {
			if time.Now().After(deadline) {
				t.Fatalf("monitor %d still runs", mon.PID)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
