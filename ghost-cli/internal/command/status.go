package command

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/ports"
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

func status(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "TASK (an id, id prefix or name)"); err != nil {
		return err
	}
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	t, err := e.Find(context.Background(), c.Args().First())
	if err != nil {
		return failed("status", err)
	}
	t.Ports = []ports.Port{}
	if t.Status == task.Running {
		if ps, err := ports.Listening(t.PGID); err == nil && ps != nil {
			t.Ports = ps
		}
	}
	if c.Bool("json") {
		return writeJSON(c, t)
	}
	printf(c, "%s", describe(t, time.Now()))
	return nil
}

// describe lays out every field of a task, one per line, values made
// printable.
func describe(t task.Task, now time.Time) string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%-10s %s\n", k+":", printable.String(v)) }
	line("id", t.ID)
	line("name", orDash(t.Name))
	line("status", string(t.Status))
	switch t.Status {
	case task.Exited:
		line("exit code", exitCell(t))
	case task.Killed:
		line("signal", t.Signal)
	case task.Unknown:
		line("exit code", "unknown (the process ended unobserved: a reboot, or its monitor was killed)")
	}
	line("pid", pidCell(t.PID))
	line("pgid", pidCell(t.PGID))
	b.WriteString(fmt.Sprintf("%-10s %s\n", "command:", printable.Quote(t.Command)))
	line("cwd", t.Cwd)
	line("started", t.StartedAt.Local().Format(time.RFC3339))
	if !t.FinishedAt.IsZero() {
		line("finished", t.FinishedAt.Local().Format(time.RFC3339))
	}
	line("runtime", duration(t.Runtime(now)))
	if len(t.Ports) > 0 {
		var ps []string
		for _, p := range t.Ports {
			ps = append(ps, p.String())
		}
		line("ports", strings.Join(ps, ", "))
	}
	line("log", t.LogPath)
	if t.LogError != "" {
		line("warning", t.LogError)
	}
	return b.String()
}
