package monitor

import "golang.org/x/sys/unix"

const (
	ioctlGetTermios = unix.TIOCGETA
	ioctlSetTermios = unix.TIOCSETA
	// ioctlPending asks how many bytes a pipe or terminal holds unread.
	ioctlPending = unix.FIONREAD
)
