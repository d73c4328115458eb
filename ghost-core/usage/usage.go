// Package usage measures what a task costs while it runs: the CPU time and
// resident memory of every process in its process group (a shell's
// children, a server's workers), read from the operating system's own
// tables. It holds no state of its own beyond the previous sample a Meter
// compares with, and costs nothing until asked.
package usage

import (
	"errors"
	"time"
)

// ErrUnsupported means this system offers no way to measure here.
var ErrUnsupported = errors.New("measuring processes is not supported on this system")

// Sample is one reading of a process group.
type Sample struct {
	// CPU is the CPU time its processes used so far, children they have
	// waited for included, so work done by a short-lived compiler under
	// make is counted once it ends.
	CPU time.Duration
	// RSS is the resident memory of its live processes, summed.
	RSS int64
	// Procs is how many live processes the group holds.
	Procs int
	// PIDs are those processes, the group leader first when it lives, for
	// a caller that looks at them further (their sockets).
	PIDs []int
	// At is when the reading was taken.
	At time.Time
}

// Figures are what a group costs: CPU as a share of one core over the
// interval between two samples (200 means two cores busy), and resident
// memory at the later one.
type Figures struct {
	CPUPercent float64
	RSSBytes   int64
}

// Between gives the figures from an earlier sample to a later one of the
// same group. Work done by processes that ended unreaped can make the CPU
// time go back: that counts as none.
func Between(before, after Sample) Figures {
	f := Figures{RSSBytes: after.RSS}
	if d := after.At.Sub(before.At); d > 0 && after.CPU > before.CPU {
		f.CPUPercent = float64(after.CPU-before.CPU) / float64(d) * 100
	}
	return f
}

// Meter remembers the last sample of each group it measured, so that each
// call reports CPU over the time since the one before: a screen refreshing
// every two seconds shows the last two seconds. It is not safe for
// concurrent use.
type Meter struct {
	last map[int]Sample
}

// Measure samples the groups and returns the figures of those it could
// read, with the samples themselves. A group seen for the first time
// reports no CPU share yet (0): one sample is a total, not a rate.
func (m *Meter) Measure(pgids []int) (map[int]Figures, map[int]Sample, error) {
	samples, err := Groups(pgids)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int]Figures, len(samples))
	next := make(map[int]Sample, len(samples))
	for g, s := range samples {
		f := Figures{RSSBytes: s.RSS}
		if prev, ok := m.last[g]; ok {
			f = Between(prev, s)
		}
		out[g] = f
		next[g] = s
	}
	m.last = next // groups no longer asked for are forgotten
	return out, samples, nil
}
