package proc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// ErrBadSignal reports a signal name or number this system does not have.
var ErrBadSignal = errors.New("unknown signal")

// windowsSignals are the signals ghost can deliver on Windows, which has
// none: each maps to a means of its own (see SignalGroup).
var windowsSignals = map[string]syscall.Signal{
	"SIGINT":  syscall.SIGINT,  // CTRL_C_EVENT to the task's console
	"SIGTERM": syscall.SIGTERM, // CTRL_BREAK_EVENT to the task's console
	"SIGKILL": syscall.SIGKILL, // TerminateJobObject
}

// ParseSignal reads a signal given as a name (TERM, SIGTERM, term) or a
// number (15). Windows has only KILL, INT and TERM; others are refused.
func ParseSignal(s string) (syscall.Signal, error) {
	name := strings.ToUpper(s)
	if n, err := strconv.Atoi(s); err == nil {
		name = SignalName(syscall.Signal(n))
	} else if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig, ok := windowsSignals[name]; ok {
		return sig, nil
	}
	return 0, fmt.Errorf("%q: %w: Windows has only KILL, INT and TERM", s, ErrBadSignal)
}

// SignalName is the conventional name of sig, such as "SIGTERM", or
// "SIG<n>" for a number without one.
func SignalName(sig syscall.Signal) string {
	for name, s := range windowsSignals {
		if s == sig {
			return name
		}
	}
	return "SIG" + strconv.Itoa(int(sig))
}
