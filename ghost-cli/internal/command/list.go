package command

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:    "list",
		Aliases: []string{"ls"},
		Usage:   "list tasks, newest first",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "status", Aliases: []string{"s"}, Usage: "only tasks in `STATE`: running, exited, killed, unknown, finished (comma-separated)"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array of task objects"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print task ids only, one a line"},
		},
		Action: list,
	}
}

func list(c *cli.Context) error {
	if err := needArgs(c, 0, 0, ""); err != nil {
		return err
	}
	statuses, err := parseStatuses(c.String("status"))
	if err != nil {
		return err
	}
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	tasks, err := e.List(context.Background(), store.Filter{Statuses: statuses})
	if err != nil {
		return failed("list", err)
	}
	switch {
	case c.Bool("json"):
		views := make([]task.JSONTask, len(tasks))
		for i, t := range tasks {
			views[i] = t.JSON()
		}
		return writeJSON(c, views)
	case c.Bool("quiet"):
		w := bufio.NewWriter(c.App.Writer)
		for _, t := range tasks {
			w.WriteString(t.ID + "\n")
		}
		return w.Flush()
	}
	now := time.Now()
	rows := make([][]string, 0, len(tasks))
	for _, t := range tasks {
		rows = append(rows, []string{
			t.ShortID(), orDash(t.Name), string(t.Status), t.ExitText(), pidCell(t.PID),
			startedCell(t.StartedAt, now), task.FormatRuntime(t.Runtime(now)), printable.Quote(t.Command),
		})
	}
	table(c.App.Writer, []string{"ID", "NAME", "STATE", "EXIT", "PID", "STARTED", "RUNTIME", "COMMAND"}, rows, termWidth(c.App.Writer))
	return nil
}

// parseStatuses reads --status: states separated by commas; "finished"
// stands for every state but running.
func parseStatuses(s string) ([]task.Status, error) {
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []task.Status
	for _, part := range strings.Split(s, ",") {
		st := task.Status(strings.TrimSpace(strings.ToLower(part)))
		switch {
		case st == "finished":
			out = append(out, task.Exited, task.Killed, task.Unknown)
		case st.Valid():
			out = append(out, st)
		default:
			return nil, usageError("list", "invalid --status %q: want running, exited, killed, unknown or finished", part)
		}
	}
	return out, nil
}

func writeJSON(c *cli.Context, v any) error {
	w := bufio.NewWriterSize(c.App.Writer, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}
