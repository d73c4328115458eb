package monitor

import (
	"time"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// lingerPoll is how often a monitor whose task's main process ended looks
// whether the others of its process group are still there.
const lingerPoll = 100 * time.Millisecond

// othersInGroup reports whether processes besides the task's main process
// (ended, a zombie the monitor holds) remain in its process group.
func othersInGroup(pgid int) bool {
	pids, err := proc.GroupMembers(pgid)
	if err != nil {
		return false
	}
	for _, p := range pids {
		if p != pgid {
			return true
		}
	}
	return false
}

// recordAndLinger handles a task whose main process ended while others of
// its group live on: the end is recorded at once (it is known), and the
// main process stays unreaped until the group is empty. Its pid is the
// group's id, so while that zombie is held nobody else can be given that
// id, and stop and kill reach the rest of the task safely. Their output
// goes on into the log meanwhile.
func (m *running) recordAndLinger(end task.End, st *pumpState, pumped <-chan struct{}) {
	end.LogError = m.log.Trouble()
	if err := st.failure(); err != nil {
		if end.LogError != "" {
			end.LogError += "; "
		}
		end.LogError += "output lost: " + err.Error()
	}
	m.record(end)
	for othersInGroup(m.pid) {
		time.Sleep(lingerPoll)
	}
	drain(st, pumped, m.pending)
	m.log.Close()
	reap(m.pid)
}

// recordAndClose records the end before the log is closed: a write to the
// log is still under way after the drain's bound, and closing waits for it.
func (m *running) recordAndClose(end task.End, logErr error) {
	end.LogError = m.log.Trouble()
	if logErr != nil {
		if end.LogError != "" {
			end.LogError += "; "
		}
		end.LogError += "output lost: " + logErr.Error()
	}
	m.record(end)
	m.log.Close()
	reap(m.pid)
}
