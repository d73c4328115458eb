//go:build unix

package monitor

import (
	"errors"
	"os"
	"syscall"
)

// inheritedPipes are the spec and status pipes the launcher handed down as
// descriptors 3 and 4.
func inheritedPipes() (spec, status *os.File, err error) {
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	return os.NewFile(3, "spec"), os.NewFile(4, "status"), nil
}

// spawnProcess starts the command in its own process group and returns
// its pid. syscall.ForkExec rather than os.StartProcess: no pidfd, and no
// probe for one, on the path `ghost run` waits on. waitExit and reap need
// only the pid.
func spawnProcess(path string, spec Spec, devnull, out *os.File) (int, error) {
	pid, err := syscall.ForkExec(path, spec.Command, &syscall.ProcAttr{
		Dir:   spec.Cwd,
		Env:   spec.Env,
		Files: []uintptr{devnull.Fd(), out.Fd(), out.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return 0, classifyExecError(spec.Command[0], err)
	}
	return pid, nil
}

// killGroup ends the task's process group at once.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// isNotExecutable reports an exec failure that means "found, but cannot
// run it".
func isNotExecutable(err error) bool {
	return errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOEXEC) || errors.Is(err, syscall.EISDIR)
}

// maxExitCode is the largest exit status a process can have here.
const maxExitCode = 255
