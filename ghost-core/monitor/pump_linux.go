package monitor

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// orderedPoll makes the poll that pumpOrdered waits on: an epoll instance
// holding both output pipes, itself in the runtime's poller (an epoll fd
// reads as ready when it has events), so no thread blocks while the task
// is quiet and a read deadline on it stops the pump between reads.
func orderedPoll(out, errOut *os.File) (*os.File, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	for i, f := range []*os.File{out, errOut} {
		fd := fdOf(f)
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(i)}
		if fd < 0 {
			err = errors.New("output pipe has no descriptor")
		} else {
			err = unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev)
		}
		if err != nil {
			unix.Close(ep)
			return nil, err
		}
	}
	if err := unix.SetNonblock(ep, true); err != nil {
		unix.Close(ep)
		return nil, err
	}
	return os.NewFile(uintptr(ep), "epoll"), nil
}

// pumpOrdered moves both streams into the log from one goroutine, in the
// order the pipes became readable: epoll's ready list is first come,
// first served, so `echo out; echo err >&2` is logged in that order, which
// two independent readers would leave to chance. It returns once both
// pipes reach EOF, or at the poll's read deadline.
func pumpOrdered(poll, out, errOut *os.File, w *logs.Writer, st *pumpState) {
	rc, err := poll.SyscallConn()
	if err != nil {
		return
	}
	fds := [2]int{fdOf(out), fdOf(errOut)}
	streams := [2]logs.Stream{logs.Stdout, logs.Stderr}
	open := 2
	buf := make([]byte, 128<<10)
	events := make([]unix.EpollEvent, 2)
	for open > 0 {
		var n int
		err := rc.Read(func(ep uintptr) bool {
			var werr error
			n, werr = unix.EpollWait(int(ep), events, 0)
			return werr == nil && n > 0
		})
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			i := ev.Fd
			if fds[i] < 0 {
				continue
			}
			k, rerr := unix.Read(fds[i], buf)
			if rerr == unix.EAGAIN || rerr == unix.EINTR {
				continue
			}
			if k <= 0 {
				// EOF (or a read error, which ends the stream the same way):
				// the pipe leaves the poll, so it wakes us no more.
				ep := fdOf(poll)
				unix.EpollCtl(ep, unix.EPOLL_CTL_DEL, fds[i], nil)
				fds[i] = -1
				open--
				continue
			}
			if st.take(w, streams[i], time.Now(), buf[:k]) {
				return
			}
		}
	}
}
