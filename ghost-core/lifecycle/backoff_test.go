package lifecycle

import (
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func exit(code int) task.End { return task.End{Status: task.Exited, ExitCode: &code} }

// The delay doubles with each restart in a row up to its cap, within the
// jitter, and the policy gives up after MaxRestarts in a row.
func TestBackoffGrowsAndGivesUp(t *testing.T) {
	s := Supervision{Policy: task.RestartPolicy{Mode: task.RestartOnFailure, MaxRestarts: 5,
		Delay: 100 * time.Millisecond, DelayMax: 500 * time.Millisecond, MinUptime: time.Minute}}
	want := []time.Duration{100, 200, 400, 500, 500}
	for i, w := range want {
		for _, r := range []float64{0, 0.5, 0.999} {
			probe := s
			d := probe.Next(exit(1), time.Second, false, func() float64 { return r })
			lo, hi := time.Duration(float64(w)*0.8)*time.Millisecond, time.Duration(float64(w)*1.2)*time.Millisecond
			if !d.Restart || d.Delay < lo || d.Delay > hi {
				t.Fatalf("restart %d (jitter %v): %+v, want a delay in [%v, %v]", i+1, r, d, lo, hi)
			}
		}
		s.Next(exit(1), time.Second, false, func() float64 { return 0.5 })
	}
	if d := s.Next(exit(1), time.Second, false, func() float64 { return 0.5 }); d.Restart || d.GaveUp != 5 {
		t.Errorf("after 5 restarts in a row: %+v, want gave up after 5", d)
	}
}

// A stable run starts the count and the delay over.
func TestStableRunResetsTheCount(t *testing.T) {
	s := Supervision{Policy: task.RestartPolicy{Mode: task.RestartAlways, MaxRestarts: 2,
		Delay: time.Second, DelayMax: time.Minute, MinUptime: 10 * time.Second}}
	half := func() float64 { return 0.5 }
	s.Next(exit(0), time.Second, false, half)
	s.Next(exit(0), time.Second, false, half)
	if d := s.Next(exit(0), 11*time.Second, false, half); !d.Restart || d.Delay != time.Second || s.InRow != 1 {
		t.Errorf("after a stable run: %+v, in a row %d; want the first delay again", d, s.InRow)
	}
}

// What restarts, per mode; a requested stop never does.
func TestWhatRestarts(t *testing.T) {
	half := func() float64 { return 0.5 }
	killed := task.End{Status: task.Killed, Signal: "SIGTERM"}
	for _, tc := range []struct {
		mode task.RestartMode
		end  task.End
		stop bool
		want bool
	}{
		{task.RestartNo, exit(1), false, false},
		{task.RestartOnFailure, exit(1), false, true},
		{task.RestartOnFailure, exit(0), false, false},
		{task.RestartOnFailure, killed, false, true},
		{task.RestartOnFailure, killed, true, false},
		{task.RestartAlways, exit(0), false, true},
		{task.RestartAlways, exit(0), true, false},
		{task.RestartOnFailure, task.End{Status: task.Unknown}, false, true},
	} {
		s := Supervision{Policy: task.RestartPolicy{Mode: tc.mode, MaxRestarts: task.UnlimitedRestarts, Delay: time.Second, DelayMax: time.Second}}
		if d := s.Next(tc.end, 0, tc.stop, half); d.Restart != tc.want {
			t.Errorf("%s after %s %v (stop %v): restart %v, want %v", tc.mode, tc.end.Status, tc.end.ExitCode, tc.stop, d.Restart, tc.want)
		}
	}
}
