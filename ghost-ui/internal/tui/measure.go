package tui

import (
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// measureEvery is how often the running tasks' CPU, memory and ports are
// read while ghost-ui is open: as often as htop's default, a little less.
const measureEvery = 2 * time.Second

// measureLoop measures the running tasks loaded, as long as the screen is
// open and only when some run: nothing is read for a history of finished
// tasks, and nothing at all once ghost-ui is closed, as the monitors never
// measure.
func (u *UI) measureLoop() {
	var m engine.Meter
	tick := time.NewTicker(measureEvery)
	defer tick.Stop()
	for {
		u.runMu.Lock()
		running := append([]task.Task(nil), u.run...)
		u.runMu.Unlock()
		if len(running) > 0 {
			m.Measure(running)
			costs := make(map[string]task.Task, len(running))
			for _, t := range running {
				costs[t.ID] = t
			}
			u.app.QueueUpdateDraw(func() {
				u.costs = costs
				if u.sortBy == byCPU || u.sortBy == byMem {
					u.render()
				} else {
					u.measureWidths()
				}
				u.refreshDetails()
			})
		}
		select {
		case <-u.done:
			return
		case <-tick.C:
		}
	}
}
