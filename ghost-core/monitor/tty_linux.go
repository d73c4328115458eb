package monitor

import "golang.org/x/sys/unix"

const (
	ioctlGetTermios = unix.TCGETS
	ioctlSetTermios = unix.TCSETS
	// ioctlPending asks how many bytes a pipe or terminal holds unread.
	ioctlPending = unix.TIOCINQ
)
