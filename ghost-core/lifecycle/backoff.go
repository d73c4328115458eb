package lifecycle

import (
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// Supervision is a restart policy at work: what a task's monitor keeps
// from one run to the next.
type Supervision struct {
	Policy task.RestartPolicy
	// InRow counts the restarts in a row without a stable run (one that
	// lasted MinUptime).
	InRow int
}

// Decision is what a monitor does once a run has ended.
type Decision struct {
	// Restart says to start the command again after Delay.
	Restart bool
	Delay   time.Duration
	// GaveUp is, when the policy would restart but has reached its
	// bound, the restarts in a row it made; else 0.
	GaveUp int
}

// jitter is the spread of a delay, either way: many tasks failing together
// (a database went away) do not all come back in step.
const jitter = 0.2

// Next decides, after a run that ended as end and lasted lasted, whether
// to restart and after what delay, and counts the restart. A requested
// stop never restarts. rnd gives a number in [0, 1) for the jitter.
func (s *Supervision) Next(end task.End, lasted time.Duration, stopRequested bool, rnd func() float64) Decision {
	p := s.Policy
	if stopRequested || !p.Restarts() {
		return Decision{}
	}
	if p.Mode == task.RestartOnFailure && end.Status == task.Exited && end.ExitCode != nil && *end.ExitCode == 0 {
		return Decision{}
	}
	if lasted >= p.MinUptime {
		s.InRow = 0 // a stable run: the count and the delay start over
	}
	if p.MaxRestarts != task.UnlimitedRestarts && s.InRow >= p.MaxRestarts {
		return Decision{GaveUp: s.InRow}
	}
	d := p.Delay
	for i := 0; i < s.InRow && d < p.DelayMax; i++ {
		d *= 2
	}
	if p.DelayMax > 0 && d > p.DelayMax {
		d = p.DelayMax
	}
	d = time.Duration(float64(d) * (1 - jitter + 2*jitter*rnd()))
	s.InRow++
	return Decision{Restart: true, Delay: d}
}
