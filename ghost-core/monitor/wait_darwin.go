package monitor

import (
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// waitExit waits for the task to end and reaps it. macOS has no waitid
// with WNOWAIT in x/sys, so readers rely on the monitor's own identity to
// know the end is still being recorded.
func waitExit(pid int) task.End {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == nil {
			break
		}
		if err != unix.EINTR {
			return task.End{Status: task.Unknown, FinishedAt: time.Now()}
		}
	}
	now := time.Now()
	switch {
	case ws.Exited():
		code := ws.ExitStatus()
		return task.End{Status: task.Exited, ExitCode: &code, FinishedAt: now}
	case ws.Signaled():
		return task.End{Status: task.Killed, Signal: proc.SignalName(ws.Signal()), FinishedAt: now}
	}
	return task.End{Status: task.Unknown, FinishedAt: now}
}

// awaitExit returns at once: the caller's wait4 then blocks a thread,
// which a long-lived launcher (ghost-ui) pays for each task it started.
func awaitExit(int) {}

// reap does nothing: waitExit already reaped the task.
func reap(int) {}

// growPipe does nothing: macOS sizes pipes by itself.
func growPipe(*os.File) {}
