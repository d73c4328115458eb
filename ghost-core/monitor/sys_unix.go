//go:build unix

package monitor

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// inheritedPipes are the spec and status pipes the launcher handed down as
// descriptors 3 and 4.
func inheritedPipes() (spec, status *os.File, err error) {
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	return os.NewFile(3, "spec"), os.NewFile(4, "status"), nil
}

// spawnProcess starts the command in its own process group (with --tty,
// its own session, whose controlling terminal is its stdout) and returns
// its pid. syscall.ForkExec (through forkExec) rather than
// os.StartProcess: no pidfd, and no probe for one, on the path `ghost run`
// waits on. waitExit and reap need only the pid.
func spawnProcess(path string, spec Spec, stdin, out, errOut *os.File) (int, error) {
	sys := &syscall.SysProcAttr{Setpgid: true}
	if spec.TTY {
		// A session of its own makes the terminal the task's controlling
		// one; its session is also its process group, as with Setpgid.
		sys = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	}
	pid, err := forkExec(path, spec.Command, &syscall.ProcAttr{
		Dir:   spec.Cwd,
		Env:   spec.Env,
		Files: []uintptr{stdin.Fd(), out.Fd(), errOut.Fd()},
		Sys:   sys,
	})
	if err != nil {
		return 0, classifyExecError(spec.Command[0], path, err)
	}
	return pid, nil
}

// killGroup ends the task's process group at once.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// maxExitCode is the largest exit status a process can have here.
const maxExitCode = 255

// hasUnread reports whether a pipe or terminal holds bytes not read yet.
func hasUnread(f *os.File) bool {
	fd := fdOf(f)
	if fd < 0 {
		return false
	}
	n, err := unix.IoctlGetInt(fd, ioctlPending)
	return err == nil && n > 0
}

// termGroup asks the task's process group to end (SIGTERM).
func termGroup(pid int) { syscall.Kill(-pid, syscall.SIGTERM) }
