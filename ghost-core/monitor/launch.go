package monitor

import (
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

// markerEnv and markerArg together tell a re-executed binary to be a
// monitor; both are needed, so a stray variable in a user's shell cannot
// turn ghost into one.
const (
	markerEnv = "_GHOST_MONITOR"
	markerArg = "__ghost_monitor"
)

// IsMonitor reports whether this process was started as a monitor. Every
// binary that launches tasks calls it first thing in main.
func IsMonitor() bool {
	return os.Getenv(markerEnv) == "1" && len(os.Args) > 1 && os.Args[1] == markerArg
}

// Started is what a launcher learns about a task that runs.
type Started struct {
	PID       int
	ProcStart uint64
}

// Start launches a monitor for spec and returns once the task runs or has
// failed to start. The monitor is detached: its own session, stdio on
// /dev/null, so a caller capturing our output never waits for it.
func Start(spec Spec) (Started, error) {
	exe, err := executable()
	if err != nil {
		return Started{}, fmt.Errorf("finding own executable: %w", err)
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return Started{}, fmt.Errorf("starting monitor: %w", err)
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return Started{}, fmt.Errorf("starting monitor: %w", err)
	}
	cmd := &exec.Cmd{
		Path: exe,
		Args: []string{"ghost-monitor", markerArg, spec.ID},
		// The task's environment travels in the spec; the monitor's own is
		// tuned to stay small: one P and one malloc arena (SQLite).
		Env:         append(os.Environ(), markerEnv+"=1", "GOMAXPROCS=1", "MALLOC_ARENA_MAX=1", "GOGC=20"),
		ExtraFiles:  []*os.File{specR, statusW},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	err = cmd.Start()
	specR.Close()
	statusW.Close()
	if err != nil {
		specW.Close()
		statusR.Close()
		return Started{}, fmt.Errorf("starting monitor: %w", err)
	}
	go func() {
		// gob, not JSON: it keeps strings byte for byte, invalid UTF-8
		// included, and a command is bytes, not text.
		gob.NewEncoder(specW).Encode(spec)
		specW.Close()
	}()
	b, err := io.ReadAll(statusR)
	statusR.Close()
	if err != nil {
		return Started{}, fmt.Errorf("reading monitor report: %w", err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		werr := cmd.Wait()
		return Started{}, fmt.Errorf("monitor died before starting the task: %w", errors.Join(werr, err))
	}
	// The monitor outlives us when we are the CLI; a long-lived launcher
	// (ghost-ui) must still reap it when it ends.
	go cmd.Wait()
	if err := r.err(); err != nil {
		return Started{}, err
	}
	return Started{PID: r.PID, ProcStart: r.ProcStart}, nil
}
