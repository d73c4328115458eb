package command

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "show everything about one task",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the task object as JSON"},
		},
		Action: status,
	}
}

// measureWindow is how long status and list -o wide watch running tasks
// to give their CPU share: long enough for a few of the kernel's 10 ms
// ticks, short enough not to keep a person waiting.
const measureWindow = 200 * time.Millisecond

func status(c *cli.Context) error {
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	ts := []task.Task{t}
	engine.MeasureWindow(c.Context, ts, measureWindow)
	if t = ts[0]; t.Ports == nil {
		t.Ports = e.Ports(t)
	}
	t.Leftovers = e.Leftovers(t)
	runs, err := e.Runs(c.Context, t.ID)
	if err != nil {
		return failed("status", err)
	}
	t.Runs = runs
	if c.Bool("json") {
		return writeJSON(c, t.JSON())
	}
	printf(c, "%s", describe(t, time.Now()))
	return nil
}

// describe lays out every field of a task, one per line, values made
// printable.
func describe(t task.Task, now time.Time) string {
	var b strings.Builder
	for _, f := range t.Describe(now) {
		fmt.Fprintf(&b, "%-10s %s\n", f.Label+":", printable.String(f.Value))
	}
	return b.String()
}
