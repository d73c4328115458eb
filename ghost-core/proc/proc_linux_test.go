package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "1234 (evil) name (x) Z 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 100 18446744073709551615"
	got, state, err := parseStat([]byte(line))
	if err != nil || got != 987654321 || state != 'Z' {
		t.Fatalf("got %d %q, %v", got, state, err)
	}
	for _, bad := range []string{"", "1234 (x", "1 (x) S 1 2", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber"} {
		if _, _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"))
	f.Add([]byte("2 (a) b) c) R 1 2 2 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStat(b) // must not panic
	})
}

// TestGroupMembersOfARealGroup starts a group of three (a shell whose
// name holds parentheses and a space, and two children) and one of its
// members exits unreaped: the live ones are listed, the zombie and the
// processes of other groups are not.
func TestGroupMembersOfARealGroup(t *testing.T) {
	dir := t.TempDir()
	sh := filepath.Join(dir, "a) (b")
	if err := os.Symlink("/bin/sh", sh); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sh, "-c", "sleep 30 & sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	defer func() {
		syscall.Kill(-pgid, syscall.SIGKILL)
		cmd.Wait()
	}()
	members := func() []int {
		pids, err := GroupMembers(pgid)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(pids)
		return pids
	}
	var pids []int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if pids = members(); len(pids) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %d: members %v, want 3", pgid, pids)
		}
	}
	if !slices.Contains(pids, pgid) {
		t.Fatalf("members %v miss the leader %d", pids, pgid)
	}
	// The leader ends; unreaped it is a zombie, no longer a member.
	syscall.Kill(pgid, syscall.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if pids = members(); len(pids) == 2 && !slices.Contains(pids, pgid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the leader's end: members %v, want its 2 children", pids)
		}
	}
	if _, err := GroupMembers(1); err == nil {
		t.Error("GroupMembers(1) succeeded")
	}
}
