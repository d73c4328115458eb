package monitor

import "golang.org/x/sys/unix"

const (
	ioctlGetTermios = unix.TIOCGETA
	ioctlSetTermios = unix.TIOCSETA
	// ioctlPending asks how many bytes a pipe or terminal holds unread.
	ioctlPending = 0x4004667f // FIONREAD, _IOR('f', 127, int); x/sys does not export it
)
