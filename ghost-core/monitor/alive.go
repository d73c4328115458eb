package monitor

import (
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// TaskIdentity is the identity of the task's process as recorded.
func TaskIdentity(t task.Task) proc.Identity {
	return proc.Identity{PID: t.PID, Start: t.ProcStart, BootID: t.BootID}
}

// Alive reports whether a task recorded as running is still served: its
// process exists, or its monitor does (starting it, or writing down its
// end). When both are gone and no record was left, the end is unknown.
func Alive(t task.Task) bool {
	if t.PID > 0 && TaskIdentity(t).Alive() {
		return true
	}
	return proc.Identity{PID: t.MonitorPID, Start: t.MonitorStart, BootID: t.BootID}.Alive()
}
