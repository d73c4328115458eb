package command

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:    "list",
		Aliases: []string{"ls"},
		Usage:   "list tasks, newest first",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "status", Aliases: []string{"s"}, Usage: "only tasks in `STATE`: running, restarting, exited, killed, unknown, finished (comma-separated)"},
			&cli.StringFlag{Name: "project", Aliases: []string{"p"}, Usage: "only the tasks of `PROJECT` (started by ghost up)"},
			&cli.BoolFlag{Name: "json", Usage: "print a JSON array of task objects"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print task ids only, one a line"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "`wide`: add CPU %, memory (RSS) and listening ports of running tasks"},
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
	wide := false
	switch o := c.String("output"); o {
	case "", "table":
	case "wide":
		wide = true
	default:
		return usageError("list", "invalid --output %q: want wide", o)
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	// Tasks are printed (or laid out) as they are read, never all held:
	// the history can be 100,000 tasks long.
	f := engine.Filter{Statuses: statuses, Project: c.String("project")}
	ctx := c.Context
	switch {
	case c.Bool("json"):
		err = listJSON(ctx, e, f, c.App.Writer)
	case c.Bool("quiet"):
		err = listIDs(ctx, e, f, c.App.Writer)
	case wide:
		err = listWide(ctx, e, f, c.App.Writer)
	default:
		err = listTable(ctx, e, f, c.App.Writer)
	}
	if err != nil {
		return failed("list", err)
	}
	return nil
}

func listIDs(ctx context.Context, e *engine.Engine, f engine.Filter, out io.Writer) error {
	w := bufio.NewWriterSize(out, 64<<10)
	err := e.EachID(ctx, f, func(id string) error {
		w.WriteString(id)
		return w.WriteByte('\n')
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// listJSON writes the JSON array task by task, exactly as encoding/json
// would indent it whole.
func listJSON(ctx context.Context, e *engine.Engine, f engine.Filter, out io.Writer) error {
	w := bufio.NewWriterSize(out, 64<<10)
	var buf []byte
	n := 0
	err := e.Each(ctx, f, func(t task.Listing) error {
		buf = buf[:0]
		if n == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		n++
		buf = append(buf, "\n  "...)
		buf = t.AppendJSON(buf, 1)
		_, err := w.Write(buf)
		return err
	})
	if err == nil {
		if n == 0 {
			w.WriteString("[]\n")
		} else {
			w.WriteString("\n]\n")
		}
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

func listTable(ctx context.Context, e *engine.Engine, f engine.Filter, out io.Writer) error {
	now := time.Now()
	tb := newTable(task.Columns[:]...)
	err := e.Each(ctx, f, func(t task.Listing) error {
		// The one row formatter, shared with ghost-ui.
		for _, cell := range t.Cells(now) {
			tb.add(cell)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tb.print(out)
}

// parseStatuses reads --status: states separated by commas; "finished"
// stands for every state a task has ended in for good.
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
			return nil, usageError("list", "invalid --status %q: want running, restarting, exited, killed, unknown or finished", part)
		}
	}
	return out, nil
}

// writeJSON prints v indented, with the runes a terminal must not get
// raw (bidi overrides, C1 controls) escaped as jq would read them.
func writeJSON(c *cli.Context, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := c.App.Writer.Write(task.EscapeInvisible(buf.Bytes()))
	return err
}

// listWide is the table with what running tasks cost: CPU share over
// measureWindow, resident memory and listening ports of each process
// group. Those are measured together, so the tasks are held.
func listWide(ctx context.Context, e *engine.Engine, f engine.Filter, out io.Writer) error {
	listed, err := e.List(ctx, f)
	if err != nil {
		return err
	}
	tasks := make([]task.Task, len(listed))
	for i, l := range listed {
		tasks[i].Listing = l
	}
	engine.MeasureWindow(ctx, tasks, measureWindow)
	now := time.Now()
	// The one row formatter, with the costs before the command.
	cols := task.Columns
	tb := newTable(append(append(cols[:task.ColCommand:task.ColCommand], "CPU%", "MEM", "PORTS"), cols[task.ColCommand])...)
	for _, t := range tasks {
		cells := t.Cells(now)
		for _, cell := range cells[:task.ColCommand] {
			tb.add(cell)
		}
		tb.add(t.CPUText())
		tb.add(t.MemText())
		tb.add(t.PortsText())
		tb.add(cells[task.ColCommand])
	}
	return tb.print(out)
}
