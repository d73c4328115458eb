package command

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func logCommand() *cli.Command {
	return &cli.Command{
		Name:      "log",
		Aliases:   []string{"logs"},
		Usage:     "print task output, byte for byte, or as filtered lines",
		ArgsUsage: "TASK...",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "tail", Aliases: []string{"n"}, Value: -1, DefaultText: "all", Usage: "print only the last `N` lines (of each task; of those the other flags select)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new output until the task (every task) ends"},
			projectFlag("the newest task of each service of `PROJECT`", ""),
			&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "prefix each line with the time it was captured (UTC, milliseconds)"},
			&cli.BoolFlag{Name: "stdout", Usage: "only what the task wrote to stdout"},
			&cli.BoolFlag{Name: "stderr", Usage: "only what the task wrote to stderr"},
			&cli.StringFlag{Name: "since", Usage: "only lines captured at or after `T`: a duration ago (10m, 2h, 1d) or an RFC 3339 time"},
			&cli.StringFlag{Name: "until", Usage: "only lines captured at or before `T`: a duration ago or an RFC 3339 time"},
			&cli.StringFlag{Name: "grep", Aliases: []string{"g"}, Usage: "only lines matching the regular expression `RE` (RE2 syntax)"},
			&cli.IntFlag{Name: "context", Aliases: []string{"C"}, Usage: "with --grep, print `N` lines around each match, groups apart with --"},
			&cli.IntFlag{Name: "before-context", Aliases: []string{"B"}, Usage: "with --grep, print `N` lines before each match"},
			&cli.IntFlag{Name: "after-context", Aliases: []string{"A"}, Usage: "with --grep, print `N` lines after each match"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line: time, stream, line (and task, with several)"},
			&cli.BoolFlag{Name: "no-color", Usage: "remove ANSI escape sequences (colours, cursor moves) from the output"},
		},
		Action: logAction,
	}
}

// logView is what the flags of log ask for beyond the bytes.
type logView struct {
	query      engine.LogQuery
	lines      bool // line by line, not byte for byte
	timestamps bool
	json       bool
	noColor    bool
	// grep and its context make query.Grep, one per task read.
	grep          *regexp.Regexp
	before, after int
}

// queryFor is the query for one task's log: a grep keeps state, so each
// task gets its own.
func (v logView) queryFor() engine.LogQuery {
	q := v.query
	if v.grep != nil {
		q.Grep = engine.NewLogGrep(v.grep, v.before, v.after)
	}
	return q
}

func logViewFrom(c *cli.Context, now time.Time) (logView, error) {
	v := logView{
		query:      engine.LogQuery{Tail: c.Int("tail")},
		timestamps: c.Bool("timestamps"),
		json:       c.Bool("json"),
		noColor:    c.Bool("no-color"),
	}
	if c.IsSet("tail") && v.query.Tail < 0 {
		return v, usageError("log", "invalid --tail %d: want 0 or more lines", v.query.Tail)
	}
	if c.Bool("stdout") {
		v.query.Streams |= engine.Stdout
	}
	if c.Bool("stderr") {
		v.query.Streams |= engine.Stderr
	}
	for _, name := range []string{"since", "until"} {
		if !c.IsSet(name) {
			continue
		}
		t, err := parseLogTime(c.String(name), now)
		if err != nil {
			return v, usageError("log", "invalid --%s %w", name, err)
		}
		if name == "since" {
			v.query.Since = t
		} else {
			v.query.Until = t
		}
	}
	before, after := c.Int("context"), c.Int("context")
	if c.IsSet("before-context") {
		before = c.Int("before-context")
	}
	if c.IsSet("after-context") {
		after = c.Int("after-context")
	}
	for _, name := range []string{"context", "before-context", "after-context"} {
		if n := c.Int(name); n < 0 {
			return v, usageError("log", "invalid --%s %d: want 0 or more lines", name, n)
		}
	}
	if c.IsSet("grep") {
		re, err := regexp.Compile(c.String("grep"))
		if err != nil {
			return v, usageError("log", "invalid --grep: %w", err)
		}
		v.grep, v.before, v.after = re, before, after
		v.query.Grep = engine.NewLogGrep(re, before, after)
	} else if c.IsSet("context") || c.IsSet("before-context") || c.IsSet("after-context") {
		return v, usageError("log", "-C, -A and -B need --grep")
	}
	v.lines = v.timestamps || v.json || v.noColor || v.query.Streams != 0 ||
		!v.query.Since.IsZero() || !v.query.Until.IsZero() || v.query.Grep != nil
	return v, nil
}

// errBadLogTime explains what --since and --until take.
var errBadLogTime = errors.New("want a duration ago (30s, 10m, 2h, 1d) or an RFC 3339 time (2026-11-26T10:30:00Z)")

// parseLogTime reads a duration ago or an RFC 3339 time.
func parseLogTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return time.Time{}, &valueError{s, errBadLogTime}
	}
	return now.Add(-d), nil
}

func logAction(c *cli.Context) error {
	v, err := logViewFrom(c, time.Now())
	if err != nil {
		return err
	}
	if c.IsSet("project") && c.NArg() > 0 {
		return usageError("log", "give TASK arguments or --project, not both")
	}
	if c.IsSet("project") || c.NArg() > 1 {
		return logMany(c, v)
	}
	ctx := c.Context
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	if v.lines {
		err = logLines(ctx, c, e, t, v)
	} else {
		err = logBytes(ctx, c, e, t, v.query.Tail)
	}
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("log", err)
	}
	if t, err := e.Get(ctx, t.ID); err == nil {
		warnLost(c, t)
	}
	return nil
}

// logBytes prints the output as it was written, byte for byte.
func logBytes(ctx context.Context, c *cli.Context, e *engine.Engine, t task.Task, tail int) error {
	if !c.Bool("follow") {
		return e.Log(c.App.Writer, t.ID, engine.LogOptions{Tail: tail})
	}
	return e.Follow(ctx, c.App.Writer, t.ID, engine.LogOptions{Tail: tail})
}

// logLines prints the output line by line, as the flags ask.
func logLines(ctx context.Context, c *cli.Context, e *engine.Engine, t task.Task, v logView) error {
	out := bufio.NewWriterSize(c.App.Writer, 64<<10)
	defer out.Flush()
	rp := newRecordPrinter(v, out)
	print := func(r engine.LogRecord) error {
		if v.json {
			return rp.json(r, nil)
		}
		if r.Sep {
			out.WriteString("--\n")
		}
		out.Write(rp.text(r))
		if !r.Partial {
			out.WriteByte('\n')
		}
		return nil
	}
	o := engine.LogOptions{Tail: v.query.Tail, Streams: v.query.Streams, Since: v.query.Since,
		Until: v.query.Until, Grep: v.query.Grep, Lines: print}
	if !c.Bool("follow") {
		return e.Log(nil, t.ID, o)
	}
	// A follower shows each line as it comes.
	o.Lines = func(r engine.LogRecord) error {
		if err := print(r); err != nil {
			return err
		}
		return out.Flush()
	}
	return e.Follow(ctx, nil, t.ID, o)
}

// recordPrinter formats lines as the flags ask.
type recordPrinter struct {
	v   logView
	enc *json.Encoder
	buf []byte
}

func newRecordPrinter(v logView, out io.Writer) *recordPrinter {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return &recordPrinter{v: v, enc: enc}
}

// text is the line as printed, without its newline: its capture time
// first with --timestamps, escapes out with --no-color.
func (rp *recordPrinter) text(r engine.LogRecord) []byte {
	rp.buf = rp.buf[:0]
	if rp.v.timestamps {
		rp.buf = append(rp.buf, stamp(r.Time)...)
	}
	n := len(rp.buf)
	rp.buf = append(rp.buf, r.Line...)
	if rp.v.noColor {
		rp.buf = append(rp.buf[:n], printable.StripANSI(rp.buf[n:])...)
	}
	return rp.buf
}

// json writes the line as one object; t names its task when there are
// several.
func (rp *recordPrinter) json(r engine.LogRecord, t *task.Listing) error {
	line := r.Line
	if rp.v.noColor {
		rp.buf = printable.StripANSI(append(rp.buf[:0], line...))
		line = rp.buf
	}
	j := jsonLine{Time: jsonTime(r.Time), Stream: r.Stream.String(), Line: string(line)}
	if t != nil {
		j.Task, j.Name = t.ID, t.Name
	}
	return rp.enc.Encode(j)
}

// jsonLine is one line of log --json.
type jsonLine struct {
	// Task and Name say whose line it is when several tasks are read.
	Task   string  `json:"task,omitempty"`
	Name   string  `json:"name,omitempty"`
	Time   *string `json:"time"`
	Stream string  `json:"stream"`
	Line   string  `json:"line"`
}

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	// RFC3339Nano would drop trailing zeros: a fixed width keeps the
	// strings in time order, and the shape the README shows.
	s := t.UTC().Format(jsonTimeLayout)
	return &s
}

// jsonTimeLayout is the capture time in --json: RFC 3339, UTC, to the
// nanosecond.
const jsonTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// stampLayout is the capture time --timestamps prints before a line.
const stampLayout = "2006-01-02T15:04:05.000Z07:00"

// stamp is a line's prefix for --timestamps; output kept from before ghost
// recorded times gets a dash in the same width.
func stamp(t time.Time) string {
	if t.IsZero() {
		return fmt.Sprintf("%-24s ", "-")
	}
	return t.UTC().Format(stampLayout) + " "
}

// logMany prints several tasks' output as one stream of whole lines, each
// after its task's name padded to a common width and "| ".
func logMany(c *cli.Context, v logView) error {
	ctx := c.Context
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	var tasks []task.Listing
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
			t, err := e.Get(ctx, ref)
			if err != nil {
				return failed("log", err)
			}
			if !seen[t.ID] { // the same task twice would print each line twice
				seen[t.ID] = true
				tasks = append(tasks, t.Listing)
			}
		}
	}
	terminal := isTerminal(c.App.Writer)
	p := newPrefixer(c.App.Writer, tasks, terminal, terminal && os.Getenv("NO_COLOR") == "")
	rp := newRecordPrinter(v, p.w)
	err = e.FollowLines(ctx, tasks, engine.LinesOptions{
		Query: v.queryFor, Follow: c.Bool("follow"), Project: c.String("project"),
		Added: func(_ int, t task.Listing) { p.add(t); tasks = append(tasks, t) },
		Idle:  p.w.Flush, // followed output shows as it comes, in one write a round
	}, func(i int, r engine.LogRecord) error {
		if v.json {
			return rp.json(r, &tasks[i])
		}
		if r.Sep {
			p.w.WriteString("--\n")
		}
		return p.line(i, rp.text(r))
	})
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
		if t, err := e.Get(ctx, t.ID); err == nil {
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
}

// logColours are the ANSI foreground colours labels take: bright enough
// on dark and light backgrounds alike, never red (which reads as error).
var logColours = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

func newPrefixer(out io.Writer, tasks []task.Listing, terminal, colour bool) *prefixer {
	p := &prefixer{w: bufio.NewWriterSize(out, 64<<10), terminal: terminal, colour: colour, used: map[int]bool{}}
	for _, t := range tasks {
		p.add(t)
	}
	return p
}

// add gives a task its label, widening every label if its name is the
// longest so far (a service started while a project is followed).
func (p *prefixer) add(t task.Listing) {
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
	return p.w.WriteByte('\n')
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// warnLost says on stderr, after the output, that the log is incomplete:
// the monitor could not write all of it (a full disk), or its file was
// deleted while the task ran.
func warnLost(c *cli.Context, t task.Task) {
	if t.LogError != "" {
		fmt.Fprintf(c.App.ErrWriter, "ghost: log: warning: %s\n", printable.String(t.LogError))
	}
}
