//go:build unix

package monitor

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// startMonitor runs exe as a detached monitor (its own session, stdio on
// /dev/null, so a caller capturing our output never waits for it) that
// reads the spec from descriptor 3 and reports on 4.
func startMonitor(exe string, args, env []string, specR, statusW *os.File) (wait func() error, err error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	// Whatever the caller left open for us (a CI runner's pipe, a
	// terminal) must not reach the monitor, and through it the task, which
	// would hold it for its whole life: a runner waiting for that pipe to
	// close would wait for the task.
	closeInheritedOnExec()
	// syscall.ForkExec rather than os/exec: no pidfd (and no probe for it),
	// which this path, the one `ghost run` waits on, would pay for.
	pid, err := syscall.ForkExec(exe, args, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{devnull.Fd(), devnull.Fd(), devnull.Fd(), specR.Fd(), statusW.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		return nil, err
	}
	// The wait parks in the runtime's poller until the monitor has ended
	// (awaitExit), then reaps it: no OS thread sits in wait4 meanwhile.
	return func() error { awaitExit(pid); return waitMonitor(pid) }, nil
}

// waitMonitor reaps the monitor and says how it ended, when that was badly.
func waitMonitor(pid int) error {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	switch {
	case ws.Signaled():
		return fmt.Errorf("monitor killed by %v", ws.Signal())
	case ws.Exited() && ws.ExitStatus() != 0:
		return fmt.Errorf("monitor exited with status %d", ws.ExitStatus())
	}
	return nil
}

// closeListedOnExec marks every descriptor above stderr close-on-exec, one
// by one as /dev/fd lists them: closeInheritedOnExec where the kernel
// cannot do it in one call.
func closeListedOnExec() {
	d, err := os.Open("/dev/fd")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	self := int(d.Fd())
	for _, name := range names {
		if fd, err := strconv.Atoi(name); err == nil && fd > 2 && fd != self {
			syscall.CloseOnExec(fd)
		}
	}
	d.Close()
}
