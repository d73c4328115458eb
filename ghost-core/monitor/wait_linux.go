package monitor

import (
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// si_code values for SIGCHLD, from <signal.h>; x/sys does not export them.
const (
	cldExited = 1
	cldKilled = 2
	cldDumped = 3
)

// childInfo is the SIGCHLD view of siginfo_t on 64-bit Linux.
type childInfo struct {
	Signo, Errno, Code int32
	_                  int32
	PID                int32
	UID                uint32
	Status             int32
	_                  [100]byte
}

// waitExit waits for the task to end without reaping it: until reap, the
// zombie keeps its pid, so nobody can be handed that pid (and signalled in
// the task's place) before the end is recorded.
func waitExit(pid int) task.End {
	awaitExit(pid)
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			return task.End{Status: task.Unknown, FinishedAt: time.Now()}
		}
	}
	now := time.Now()
	ci := (*childInfo)(unsafe.Pointer(&info))
	switch ci.Code {
	case cldExited:
		code := int(ci.Status)
		return task.End{Status: task.Exited, ExitCode: &code, FinishedAt: now}
	case cldKilled, cldDumped:
		return task.End{Status: task.Killed, Signal: proc.SignalName(syscall.Signal(ci.Status)), FinishedAt: now}
	}
	return task.End{Status: task.Unknown, FinishedAt: now}
}

// awaitExit parks until the child pid has ended, through a pidfd in the
// runtime's poller rather than a thread blocked in waitid: a monitor waits
// for hours, and each blocked thread is memory. Without pidfds (Linux
// before 5.3) it returns at once and waitid blocks instead.
func awaitExit(pid int) {
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	// A pidfd reads as ready once its process has ended; the callback is
	// asked again after each wake-up until it says so.
	rc.Read(func(uintptr) bool {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG, nil)
		return err != nil || (*childInfo)(unsafe.Pointer(&info)).PID != 0
	})
}

// reap collects the zombie once its end is recorded.
func reap(pid int) {
	for {
		_, err := unix.Wait4(pid, nil, 0, nil)
		if err != unix.EINTR {
			return
		}
	}
}

// growPipe enlarges the output pipe so a burst of output costs fewer
// wake-ups of the monitor.
func growPipe(r *os.File) {
	// Through SyscallConn: File.Fd would switch the pipe to blocking mode
	// and take away the read deadline that ends draining.
	if rc, err := r.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, 1<<20) })
	}
}

// childInfo must fit in the siginfo_t the kernel fills.
var _ [unsafe.Sizeof(unix.Siginfo{}) - unsafe.Sizeof(childInfo{})]byte
