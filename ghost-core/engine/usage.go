package engine

import (
	"context"
	"time"

	"github.com/ghostproject/ghost/ghost-core/ports"
	"github.com/ghostproject/ghost/ghost-core/secret"
	"github.com/ghostproject/ghost/ghost-core/task"
	"github.com/ghostproject/ghost/ghost-core/usage"
)

// Meter measures what running tasks cost, each call over the time since
// the one before: a screen asks it every few seconds while it shows them,
// and nothing is measured while nobody looks. It is not safe for
// concurrent use.
type Meter struct {
	u usage.Meter
}

// Measure fills in Usage and Ports of every running task in ts: CPU share,
// resident memory and listening sockets of its whole process group. A
// finished task costs nothing: zero usage, no ports. Where the system
// offers no way to measure, Usage stays nil.
func (m *Meter) Measure(ts []task.Task) {
	var groups []int
	for i := range ts {
		if ts[i].Status == task.Running && ts[i].PGID > 1 {
			groups = append(groups, ts[i].PGID)
		} else {
			ts[i].Usage, ts[i].Ports = &task.Usage{}, []ports.Port{}
		}
	}
	if len(groups) == 0 {
		return
	}
	// One pass over the system's processes finds each group's members
	// for both figures and ports.
	figs, samples, err := m.u.Measure(groups)
	if err != nil {
		return
	}
	for i := range ts {
		t := &ts[i]
		if t.Status != task.Running || t.PGID <= 1 {
			continue
		}
		f := figs[t.PGID]
		t.Usage = &task.Usage{CPUPercent: f.CPUPercent, RSSBytes: f.RSSBytes}
		if ps, err := ports.OfProcesses(samples[t.PGID].PIDs); err == nil {
			if t.Ports = ps; ps == nil {
				t.Ports = []ports.Port{}
			}
		}
	}
}

// MeasureWindow is Measure for a command that looks once: it samples the
// running tasks of ts twice, window apart, so their CPU share is that of
// the window. It returns early, with what it has, when ctx ends.
func MeasureWindow(ctx context.Context, ts []task.Task, window time.Duration) {
	var m Meter
	m.Measure(ts)
	running := false
	for _, t := range ts {
		running = running || t.Status == task.Running
	}
	if !running {
		return
	}
	select {
	case <-ctx.Done():
		return
	case <-time.After(window):
	}
	m.Measure(ts)
}

// MaskEnv is what may be shown of the variable name=value on a screen: a
// secret-looking name hides the whole value, and a URL's password is
// hidden wherever it appears. PWD and OLDPWD are never hidden.
func MaskEnv(name, value string) string { return secret.Mask(name, value) }
