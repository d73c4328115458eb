package command

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func logCommand() *cli.Command {
	return &cli.Command{
		Name:      "log",
		Aliases:   []string{"logs"},
		Usage:     "print a task's output, byte for byte; several as prefixed lines",
		ArgsUsage: "TASK...",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "tail", Aliases: []string{"n"}, Value: -1, DefaultText: "all", Usage: "print only the last `N` lines (of each task)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new output until the task (every task) ends"},
			projectFlag("the newest task of each service of `PROJECT`", ""),
		},
		Action: logAction,
	}
}

func logAction(c *cli.Context) error {
	tail := c.Int("tail")
	if c.IsSet("tail") && tail < 0 {
		return usageError("log", "invalid --tail %d: want 0 or more lines", tail)
	}
	if c.IsSet("project") && c.NArg() > 0 {
		return usageError("log", "give TASK arguments or --project, not both")
	}
	if c.IsSet("project") || c.NArg() > 1 {
		return logMany(c, tail)
	}
	ctx, stop := interruptible(context.Background())
	defer stop()
	e, t, err := openTask(ctx, c)
	if err != nil {
		return err
	}
	defer e.Close()
	dir := e.Dir.LogDir()
	if !c.Bool("follow") {
		if err := logs.Copy(c.App.Writer, dir, t.ID, tail); err != nil {
			return failed("log", err)
		}
		warnLost(c, t)
		return nil
	}
	w := e.WatchTask(t.ID)
	defer w.Close()
	err = logs.Follow(ctx, c.App.Writer, dir, t.ID, tail, e.Ended(ctx, t.ID), w.C)
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("log", err)
	}
	if t, err := e.Find(ctx, t.ID); err == nil {
		warnLost(c, t)
	}
	return nil
}

// logMany prints several tasks' output as one stream of whole lines, each
// after its task's name padded to a common width and "| ".
func logMany(c *cli.Context, tail int) error {
	ctx, stop := interruptible(context.Background())
	defer stop()
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	var tasks []task.Task
	if c.IsSet("project") {
		project := c.String("project")
		if err := engine.CheckProject(project); err != nil {
			return usageError("log", "invalid --project: %w", err)
		}
		if tasks, err = e.ProjectLatest(ctx, project); err != nil {
			return failed("log", err)
		}
		if len(tasks) == 0 {
			return failed("log", fmt.Errorf("project %q: %w", project, task.ErrNotFound))
		}
	} else {
		seen := map[string]bool{}
		for _, ref := range c.Args().Slice() {
			t, err := e.Find(ctx, ref)
			if err != nil {
				return failed("log", err)
			}
			if !seen[t.ID] { // the same task twice would print each line twice
				seen[t.ID] = true
				tasks = append(tasks, t)
			}
		}
	}
	terminal := isTerminal(c.App.Writer)
	p := newPrefixer(c.App.Writer, tasks, c.Bool("follow"), terminal, terminal && os.Getenv("NO_COLOR") == "")
	err = e.FollowLines(ctx, tasks, engine.LinesOptions{
		Tail: tail, Follow: c.Bool("follow"), Project: c.String("project"),
		Added: func(_ int, t task.Task) { p.add(t); tasks = append(tasks, t) },
	}, p.line)
	if ferr := p.w.Flush(); err == nil {
		err = ferr
	}
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("log", err)
	}
	for _, t := range tasks {
		if t, err := e.Find(ctx, t.ID); err == nil {
			warnLost(c, t)
		}
	}
	return nil
}

// prefixer writes lines after their task's label. On a terminal each
// label has its own colour (unless NO_COLOR is set) and the lines are
// made printable, tabs aside; elsewhere lines go out byte for byte.
type prefixer struct {
	w        *bufio.Writer
	names    []string // printable
	colours  []int
	used     map[int]bool
	width    int
	labels   [][]byte
	terminal bool
	colour   bool
	follow   bool
}

// logColours are the ANSI foreground colours labels take: bright enough
// on dark and light backgrounds alike, never red (which reads as error).
var logColours = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

func newPrefixer(out io.Writer, tasks []task.Task, follow, terminal, colour bool) *prefixer {
	p := &prefixer{w: bufio.NewWriterSize(out, 64<<10), follow: follow, terminal: terminal, colour: colour, used: map[int]bool{}}
	for _, t := range tasks {
		p.add(t)
	}
	return p
}

// add gives a task its label, widening every label if its name is the
// longest so far (a service started while a project is followed).
func (p *prefixer) add(t task.Task) {
	name := printable.String(t.Name)
	if t.Name == "" {
		name = t.ShortID()
	}
	colour := -1
	for i, n := range p.names {
		if n == name { // the same service again, restarted: the same colour
			colour = p.colours[i]
		}
	}
	if colour < 0 {
		colour = colourOf(name, p.used)
	}
	p.names = append(p.names, name)
	p.colours = append(p.colours, colour)
	if w := printable.Width(name); w > p.width || len(p.names) == 1 {
		p.width = max(p.width, w)
		p.labels = p.labels[:0]
		for i := range p.names[:len(p.names)-1] {
			p.labels = append(p.labels, p.label(i))
		}
	}
	p.labels = append(p.labels, p.label(len(p.names)-1))
}

func (p *prefixer) label(i int) []byte {
	n := p.names[i]
	label := fmt.Sprintf("%s%*s |", n, p.width-printable.Width(n), "")
	if p.colour {
		label = "\x1b[" + logColours[p.colours[i]] + "m" + label + "\x1b[0m"
	}
	return []byte(label + " ")
}

// colourOf picks a task's colour from its name, so that a service keeps
// its colour from one `ghost log` to the next, taking the next free one
// when another task of the stream has it already.
func colourOf(name string, used map[int]bool) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	c := int(h.Sum32() % uint32(len(logColours)))
	for k := 0; k < len(logColours) && used[c]; k++ {
		c = (c + 1) % len(logColours)
	}
	used[c] = true
	return c
}

func (p *prefixer) line(i int, line []byte) error {
	p.w.Write(p.labels[i])
	if p.terminal {
		line = bytes.TrimSuffix(line, []byte("\r"))
		for j, part := range bytes.Split(line, []byte("\t")) {
			if j > 0 {
				p.w.WriteByte('\t')
			}
			p.w.WriteString(printable.String(string(part)))
		}
	} else {
		p.w.Write(line)
	}
	if err := p.w.WriteByte('\n'); err != nil {
		return err
	}
	// Followed output must show as it comes; whole logs go out in 64 KiB
	// pieces.
	if p.follow {
		return p.w.Flush()
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// warnLost says on stderr, after the output, that the log is incomplete:
// the monitor could not write all of it (a full disk).
func warnLost(c *cli.Context, t task.Task) {
	if t.LogError != "" {
		fmt.Fprintf(c.App.ErrWriter, "ghost: log: warning: %s\n", printable.String(t.LogError))
	}
}
