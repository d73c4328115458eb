//go:build unix

package proc

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrBadSignal reports a signal name or number this system does not have.
var ErrBadSignal = errors.New("unknown signal")

// ParseSignal reads a signal given as a name (TERM, SIGTERM, term) or a
// number (15).
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 || (unix.SignalName(syscall.Signal(n)) == "" && !(runtime.GOOS == "linux" && n >= 32)) {
			return 0, fmt.Errorf("%q: %w", s, ErrBadSignal)
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrBadSignal)
}

// SignalName is the conventional name of sig, such as "SIGTERM", or
// "SIG<n>" for a number without one.
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "SIG" + strconv.Itoa(int(sig))
}
