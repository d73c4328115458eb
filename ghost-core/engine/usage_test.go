package engine

import (
	"context"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// A busy task measured from a listing gets a CPU share and memory; a
// finished one costs nothing. The given variables come back from the
// store, and restart keeps them.
func TestMeterAndEnvGiven(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("process figures are read from /proc, Linux only")
	}
	e, err := OpenDir(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	busy, err := e.Run(ctx, Spec{Command: []string{"sh", "-c", "while :; do :; done"}, Cwd: "/",
		Env: append(os.Environ(), "GIVEN=1"), EnvGiven: []string{"GIVEN"}, Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	first := busy
	defer func() {
		e.Stop(ctx, first.ID, 0)
		e.Stop(ctx, busy.ID, 0)
		waitMonitors(t, e.dir.Path)
	}()
	if !slices.Equal(busy.EnvGiven, []string{"GIVEN"}) {
		t.Errorf("EnvGiven %v", busy.EnvGiven)
	}
	var m Meter
	deadline := time.Now().Add(20 * time.Second)
	for {
		ls, err := e.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		listed := make([]task.Task, len(ls))
		for i, l := range ls {
			listed[i].Listing = l
		}
		m.Measure(listed)
		if u := listed[0].Usage; u != nil && u.CPUPercent > 0 && u.RSSBytes > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("usage %+v, want CPU and memory", listed[0].Usage)
		}
		time.Sleep(50 * time.Millisecond) // polling: CPU time accrues in ticks
	}
	again, err := e.Restart(ctx, busy.ID, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	busy = again
	if !slices.Equal(again.EnvGiven, []string{"GIVEN"}) {
		t.Errorf("restart lost EnvGiven: %v", again.EnvGiven)
	}
	ended := []task.Task{{Listing: task.Listing{Status: task.Exited, PGID: again.PGID}}}
	m.Measure(ended)
	if u := ended[0].Usage; u == nil || *u != (task.Usage{}) || ended[0].Ports == nil {
		t.Errorf("a finished task: usage %+v, ports %v; want zero", u, ended[0].Ports)
	}
}

func TestMaskEnvKeepsWhereTheTaskRan(t *testing.T) {
	if got := MaskEnv("OLDPWD", "/secret-project"); got != "/secret-project" {
		t.Errorf("OLDPWD masked: %q", got)
	}
	if got := MaskEnv("DATABASE_URL", "postgres://a:pw@db/x"); got == "postgres://a:pw@db/x" {
		t.Error("URL password shown")
	}
}
