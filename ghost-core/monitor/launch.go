package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
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
	return os.Getenv(markerEnv) == "1" && len(os.Args) > 1 && (os.Args[1] == markerArg || os.Args[1] == markerWaitArg)
}

// Started is what a launcher learns about a task that runs.
type Started struct {
	PID       int
	ProcStart uint64
}

// Start launches a monitor for spec and returns once the task runs or has
// failed to start, or ctx ends (the task may then still start). The
// monitor is detached: its own session, stdio on /dev/null, so a caller
// capturing our output never waits for it.
func Start(ctx context.Context, spec Spec) (Started, error) {
	if err := ctx.Err(); err != nil {
		return Started{}, err
	}
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
	waitMonitor, err := startMonitor(exe, []string{"ghost-monitor", markerArg, spec.ID}, monitorEnv(), specR, statusW)
	specR.Close()
	statusW.Close()
	if err != nil {
		specW.Close()
		statusR.Close()
		return Started{}, fmt.Errorf("starting monitor: %w", err)
	}
	go func() {
		encodeSpec(specW, spec)
		specW.Close()
	}()
	// The pipe is read through the runtime's poller, so a deadline ends
	// the read when ctx does.
	stopRead := context.AfterFunc(ctx, func() { statusR.SetReadDeadline(time.Now()) })
	b, err := io.ReadAll(statusR)
	stopRead()
	statusR.Close()
	if err != nil {
		go waitMonitor()
		if ctx.Err() != nil {
			return Started{}, ctx.Err()
		}
		return Started{}, fmt.Errorf("reading monitor report: %w", err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return Started{}, fmt.Errorf("monitor died before starting the task: %w", errors.Join(waitMonitor(), err))
	}
	// The monitor outlives us when we are the CLI; a long-lived launcher
	// (ghost-ui) must still reap it when it ends, without a thread parked
	// in wait4 for every task it launched (see startMonitor).
	go waitMonitor()
	if err := r.err(); err != nil {
		return Started{}, err
	}
	return Started{PID: r.PID, ProcStart: r.ProcStart}, nil
}

// monitorTuning is the monitor's own environment beyond the caller's (the
// task's travels in the spec): tuned to stay small, with one P, one malloc
// arena (SQLite's) and no heap-profiling table.
var monitorTuning = []string{markerEnv + "=1", "GOMAXPROCS=1", "MALLOC_ARENA_MAX=1", "GODEBUG=memprofilerate=0"}

// monitorEnv is the caller's environment with monitorTuning in place of
// any setting of the same names: the runtime reads the first of each.
func monitorEnv() []string {
	tuned := func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.ContainsFunc(monitorTuning, func(t string) bool { return strings.HasPrefix(t, name+"=") })
	}
	return append(slices.DeleteFunc(os.Environ(), tuned), monitorTuning...)
}
