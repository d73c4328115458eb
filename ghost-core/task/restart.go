package task

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RestartMode says when a task's monitor starts its command again.
type RestartMode string

// The restart modes, as `ghost run --restart` names them.
const (
	// RestartNo never restarts: the default.
	RestartNo RestartMode = "no"
	// RestartOnFailure restarts after an exit code other than 0, or a
	// signal that ghost did not send.
	RestartOnFailure RestartMode = "on-failure"
	// RestartAlways also restarts after exit 0.
	RestartAlways RestartMode = "always"
)

// ParseRestartMode reads no, on-failure or always.
func ParseRestartMode(s string) (RestartMode, error) {
	switch m := RestartMode(strings.ToLower(strings.TrimSpace(s))); m {
	case RestartNo, RestartOnFailure, RestartAlways:
		return m, nil
	}
	return "", fmt.Errorf("%q: want no, on-failure or always", s)
}

// UnlimitedRestarts is MaxRestarts for a policy that never gives up.
const UnlimitedRestarts = -1

// RestartPolicy is how a task's monitor keeps it alive.
type RestartPolicy struct {
	Mode RestartMode
	// MaxRestarts is how many restarts in a row, without a stable run
	// between them, are made before giving up; UnlimitedRestarts for no
	// bound.
	MaxRestarts int
	// Delay is the wait before the first restart in a row; it doubles
	// after each restart in a row, up to DelayMax, with ±20 % jitter.
	Delay, DelayMax time.Duration
	// MinUptime is how long a run must last to count as stable: the count
	// of restarts in a row and the delay start over after it.
	MinUptime time.Duration
}

// DefaultRestartPolicy is the policy of `ghost run` without flags, but
// for its mode, which is RestartNo unless GHOST_RESTART says otherwise.
var DefaultRestartPolicy = RestartPolicy{
	Mode: RestartNo, MaxRestarts: 10, Delay: time.Second, DelayMax: 30 * time.Second, MinUptime: 10 * time.Second,
}

// Restarts reports whether the policy restarts at all.
func (p RestartPolicy) Restarts() bool { return p.Mode == RestartOnFailure || p.Mode == RestartAlways }

// ParseMaxRestarts reads a count of restarts, or "unlimited".
func ParseMaxRestarts(s string) (int, error) {
	if strings.EqualFold(strings.TrimSpace(s), "unlimited") {
		return UnlimitedRestarts, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q: want a whole number of 0 or more, or unlimited", s)
	}
	return n, nil
}

// Run is one run of a task's command: each restart is a new run, with
// its own process, under the same task.
type Run struct {
	PID        int
	StartedAt  time.Time
	FinishedAt time.Time // zero while it runs, or when its end was not seen
	ExitCode   *int
	Signal     string
}

// JSONRun is a run in the CLI contract (status --json).
type JSONRun struct {
	PID        int     `json:"pid"`
	StartedAt  *string `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	ExitCode   *int    `json:"exit_code"`
	Signal     *string `json:"signal"`
}

// JSON is the run's object of the CLI contract.
func (r Run) JSON() JSONRun {
	return JSONRun{PID: r.PID, StartedAt: timestamp(r.StartedAt), FinishedAt: timestamp(r.FinishedAt), ExitCode: r.ExitCode, Signal: optional(r.Signal)}
}
