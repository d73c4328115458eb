package monitor

import (
	"math"

	"golang.org/x/sys/unix"
)

// closeInheritedOnExec marks every descriptor above stderr close-on-exec.
// Go opens its own that way; this catches those a parent handed down. One
// close_range call (Linux 5.11) does it without listing /dev/fd, which
// `ghost run` paid for on its critical path.
func closeInheritedOnExec() {
	if unix.CloseRange(3, math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC) != nil {
		closeListedOnExec()
	}
}
