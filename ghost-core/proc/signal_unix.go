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

// ParseSignal reads a signal given as a name (TERM, SIGTERM, term), a
// number (15), or as SignalName writes one without a name (SIG40); on
// Linux also RTMIN+N and RTMAX-N, as kill(1) does.
func ParseSignal(s string) (syscall.Signal, error) {
	name := strings.ToUpper(s)
	name = strings.TrimPrefix(name, "SIG")
	if n, ok := realtime(name); ok {
		name = strconv.Itoa(n)
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n <= 0 || n > 64 || (unix.SignalName(syscall.Signal(n)) == "" && !(runtime.GOOS == "linux" && n >= 32)) {
			return 0, fmt.Errorf("%q: %w", s, ErrBadSignal)
		}
		return syscall.Signal(n), nil
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrBadSignal)
}

// Linux's real-time signals as the C library numbers them: glibc and musl
// keep 32 and 33 for themselves.
const (
	rtMin = 34
	rtMax = 64
)

// realtime reads RTMIN, RTMIN+N, RTMAX and RTMAX-N (Linux only).
func realtime(name string) (int, bool) {
	if runtime.GOOS != "linux" {
		return 0, false
	}
	for base, sign := range map[string]int{"RTMIN": 1, "RTMAX": -1} {
		rest, ok := strings.CutPrefix(name, base)
		if !ok {
			continue
		}
		start := rtMin
		if sign < 0 {
			start = rtMax
		}
		if rest == "" {
			return start, true
		}
		op := "+"
		if sign < 0 {
			op = "-"
		}
		digits, ok := strings.CutPrefix(rest, op)
		n, err := strconv.Atoi(digits)
		if !ok || err != nil || n < 0 || n > rtMax-rtMin {
			return 0, false
		}
		return start + sign*n, true
	}
	return 0, false
}

// SignalName is the conventional name of sig, such as "SIGTERM", or
// "SIG<n>" for a number without one.
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "SIG" + strconv.Itoa(int(sig))
}
