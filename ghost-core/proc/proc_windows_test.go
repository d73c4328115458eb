package proc

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be a plain process to identify: with
// GHOST_PROC_SLEEP set it only sleeps.
func TestMain(m *testing.M) {
	if os.Getenv("GHOST_PROC_SLEEP") != "" {
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestIdentityOfARealProcess(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GHOST_PROC_SLEEP=1")
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
		t.Errorf("another creation time: %v, want ErrReused", err)
	}
	if err := SignalGroup(other, cmd.Process.Pid, syscall.SIGKILL); !errors.Is(err, ErrReused) {
		t.Errorf("SignalGroup with a stale identity: %v, want ErrReused", err)
	}
	if err := id.Check(); err != nil {
		t.Fatalf("the process was ended: %v", err)
	}
	// No monitor serves it: KILL ends the process itself.
	if err := SignalGroup(id, cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ps, _ := cmd.Process.Wait()
	if sig, ok := KilledBy(uint32(ps.ExitCode())); !ok || sig != syscall.SIGKILL {
		t.Errorf("exit code %#x, want ghost's KILL code", uint32(ps.ExitCode()))
	}
	// Once no handle holds it, the pid is free: the identity is gone.
	cmd.Process.Release()
	deadline := time.Now().Add(10 * time.Second)
	for err := id.Check(); !errors.Is(err, ErrGone); err = id.Check() {
		if time.Now().After(deadline) {
			t.Fatalf("after it ended: %v, want ErrGone", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// INT and TERM need the task's monitor.
	if err := SignalGroup(id, id.PID, syscall.SIGTERM); err == nil {
		t.Error("TERM to a process without a monitor succeeded")
	}
}

func TestBootIDIsStable(t *testing.T) {
	a, err := BootID()
	if err != nil || a == "" {
		t.Fatalf("BootID() = %q, %v", a, err)
	}
	if b, _ := BootID(); a != b {
		t.Errorf("boot id changed: %q then %q", a, b)
	}
}

func TestParseSignalKnowsOnlyWhatWindowsCanDo(t *testing.T) {
	for in, want := range map[string]syscall.Signal{
		"TERM": syscall.SIGTERM, "SIGTERM": syscall.SIGTERM, "term": syscall.SIGTERM, "sigkill": syscall.SIGKILL,
		"9": syscall.SIGKILL, "15": syscall.SIGTERM, "INT": syscall.SIGINT, "2": syscall.SIGINT,
	} {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("ParseSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "HUP", "USR1", "1", "NOPE"} {
		_, err := ParseSignal(in)
		if !errors.Is(err, ErrBadSignal) || !strings.Contains(err.Error(), "Windows has only KILL, INT and TERM") {
			t.Errorf("ParseSignal(%q) err = %v, want ErrBadSignal naming the three", in, err)
		}
	}
	if SignalName(syscall.SIGTERM) != "SIGTERM" {
		t.Error(SignalName(syscall.SIGTERM))
	}
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		if got, ok := KilledBy(KilledExitCode(sig)); !ok || got != sig {
			t.Errorf("KilledBy(KilledExitCode(%v)) = %v, %v", sig, got, ok)
		}
	}
	for _, code := range []uint32{0, 1, 3, 137, 0xC000013A, 0xC0000005} {
		if _, ok := KilledBy(code); ok {
			t.Errorf("KilledBy(%#x) claims ghost killed it", code)
		}
	}
}
