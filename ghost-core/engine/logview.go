package engine

import (
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/ports"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// LogView is a task's kept output addressed by byte offsets that rotation
// never moves (see logs.View): what a reader that comes back later, with
// the offset where it stopped, needs to get only what is new and to know
// exactly how much was rotated away meanwhile.
type LogView = logs.View

// OpenLog opens a view of task id's output as it stands now; the caller
// closes it.
func (e *Engine) OpenLog(id string) (*LogView, error) {
	return logs.OpenView(e.dir.LogDir(), id)
}

// WithPorts returns t with the sockets its process group listens on: an
// empty list when it listens on none or is not running, and also when
// the system cannot tell.
func (e *Engine) WithPorts(t task.Task) task.Task {
	t.Ports = []ports.Port{}
	if t.Status == task.Running && t.PGID > 0 {
		if ps, err := ports.Listening(t.PGID); err == nil && ps != nil {
			t.Ports = ps
		}
	}
	return t
}
