//go:build unix

package proc

import (
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestIdentityOfARealProcess(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	id, err := Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := id.Check(); err != nil {
		t.Fatalf("fresh identity does not check: %v", err)
	}
	other := id
	other.Start++
	if err := other.Check(); !errors.Is(err, ErrReused) {
		t.Errorf("another start time: %v, want ErrReused", err)
	}
	if err := SignalGroup(other, cmd.Process.Pid, syscall.SIGKILL); !errors.Is(err, ErrReused) {
		t.Errorf("SignalGroup with a stale identity: %v, want ErrReused", err)
	}
	// The process must have survived that.
	if err := syscall.Kill(cmd.Process.Pid, 0); err != nil {
		t.Fatal("the process was signalled")
	}
	if err := SignalGroup(id, cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if err := id.Check(); !errors.Is(err, ErrGone) {
		t.Errorf("after reaping: %v, want ErrGone", err)
	}
}

func TestSignalGroupRefusesSpecialGroups(t *testing.T) {
	self, err := Lookup(syscall.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, pgid := range []int{-1, 0, 1} {
		if err := SignalGroup(self, pgid, syscall.Signal(0)); !errors.Is(err, ErrBadGroup) {
			t.Errorf("pgid %d: %v, want ErrBadGroup", pgid, err)
		}
	}
}

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]syscall.Signal{
		"TERM": syscall.SIGTERM, "SIGTERM": syscall.SIGTERM, "term": syscall.SIGTERM, "sigkill": syscall.SIGKILL,
		"9": syscall.SIGKILL, "15": syscall.SIGTERM, "HUP": syscall.SIGHUP, "USR1": syscall.SIGUSR1,
	} {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-9", "65", "NOPE", "SIG", "9x"} {
		if _, err := ParseSignal(in); !errors.Is(err, ErrBadSignal) {
			t.Errorf("ParseSignal(%q) err = %v, want ErrBadSignal", in, err)
		}
	}
	if SignalName(syscall.SIGTERM) != "SIGTERM" {
		t.Error(SignalName(syscall.SIGTERM))
	}
}

// Whatever name a task's end is recorded under reads back as the same
// signal: SIG40 was written but refused, so wait returned 137, not 168.
func TestSignalNamesReadBack(t *testing.T) {
	for n := 1; n <= 64; n++ {
		name := SignalName(syscall.Signal(n))
		if runtime.GOOS != "linux" && strings.HasPrefix(name, "SIG") && unix.SignalName(syscall.Signal(n)) == "" {
			continue // a number this system has no signal for
		}
		if got, err := ParseSignal(name); err != nil || got != syscall.Signal(n) {
			t.Errorf("ParseSignal(SignalName(%d) = %q) = %v, %v", n, name, got, err)
		}
	}
	if runtime.GOOS == "linux" {
		for in, want := range map[string]syscall.Signal{"SIG40": 40, "sig40": 40, "RTMIN": 34, "SIGRTMIN+6": 40, "RTMAX": 64, "RTMAX-2": 62} {
			if got, err := ParseSignal(in); err != nil || got != want {
				t.Errorf("ParseSignal(%q) = %v, %v; want %d", in, got, err, want)
			}
		}
		for _, in := range []string{"RTMIN+31", "RTMAX+1", "RTMIN-1", "RTMINX"} {
			if _, err := ParseSignal(in); err == nil {
				t.Errorf("ParseSignal(%q) accepted", in)
			}
		}
	}
}

func FuzzParseSignal(f *testing.F) {
	for _, s := range []string{"TERM", "SIGKILL", "9", "0", "-1", "sigusr2", "64", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseSignal(s)
		if err == nil && (sig <= 0 || sig > 64) {
			t.Errorf("ParseSignal(%q) = %d", s, sig)
		}
	})
}

// A zombie keeps its pid (so it still guards against reuse: it exists)
// but has ended: it is not live.
func TestZombieExistsButIsNotLive(t *testing.T) {
	cmd := exec.Command("sh", "-c", "exit 0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	id, err := Lookup(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	// Not reaped until cmd.Wait: poll until it has become a zombie.
	for deadline := time.Now().Add(10 * time.Second); id.Live(); {
		if time.Now().After(deadline) {
			t.Fatal("an exited, unreaped child still reads as live")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !id.Exists() {
		t.Error("a zombie no longer exists: its pid would look free before it is")
	}
}
