package main

// Faults that need Linux: a tmpfs mounted (as root) to fill a disk or make
// a filesystem read-only. See docs/reliability.md for where they run.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
