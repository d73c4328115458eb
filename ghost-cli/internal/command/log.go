package command

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func logCommand() *cli.Command {
	return &cli.Command{
		Name:      "log",
		Aliases:   []string{"logs"},
		Usage:     "print a task's output, byte for byte, or line by line with times, streams and filters",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "tail", Aliases: []string{"n"}, Value: -1, DefaultText: "all", Usage: "print only the last `N` lines (of those the other flags select)"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new output until the task ends"},
			&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "prefix each line with the time it was captured (UTC, milliseconds)"},
			&cli.BoolFlag{Name: "stdout", Usage: "only what the task wrote to stdout"},
			&cli.BoolFlag{Name: "stderr", Usage: "only what the task wrote to stderr"},
			&cli.StringFlag{Name: "since", Usage: "only lines captured at or after `T`: a duration ago (10m, 2h, 1d) or an RFC 3339 time"},
			&cli.StringFlag{Name: "until", Usage: "only lines captured at or before `T`: a duration ago or an RFC 3339 time"},
			&cli.StringFlag{Name: "grep", Aliases: []string{"g"}, Usage: "only lines matching the regular expression `RE` (RE2 syntax)"},
			&cli.IntFlag{Name: "context", Aliases: []string{"C"}, Usage: "with --grep, print `N` lines around each match, groups apart with --"},
			&cli.IntFlag{Name: "before-context", Aliases: []string{"B"}, Usage: "with --grep, print `N` lines before each match"},
			&cli.IntFlag{Name: "after-context", Aliases: []string{"A"}, Usage: "with --grep, print `N` lines after each match"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line: time, stream, line"},
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
	ctx, stop := interruptible(context.Background())
	defer stop()
	e, t, err := openTask(ctx, c)
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
	if t, err := e.Find(ctx, t.ID); err == nil {
		warnLost(c, t)
	}
	return nil
}

// logBytes prints the output as it was written, byte for byte.
func logBytes(ctx context.Context, c *cli.Context, e *engine.Engine, t task.Task, tail int) error {
	dir := e.Dir.LogDir()
	if !c.Bool("follow") {
		return logs.Copy(c.App.Writer, dir, t.ID, tail)
	}
	w := e.WatchTask(t.ID)
	defer w.Close()
	return logs.Follow(ctx, c.App.Writer, dir, t.ID, tail, e.Ended(ctx, t.ID), w.C)
}

// logLines prints the output line by line, as the flags ask.
func logLines(ctx context.Context, c *cli.Context, e *engine.Engine, t task.Task, v logView) error {
	out := bufio.NewWriterSize(c.App.Writer, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var buf []byte
	print := func(r engine.LogRecord) error {
		line := r.Line
		if v.noColor {
			buf = printable.StripANSI(append(buf[:0], line...))
			line = buf
		}
		if v.json {
			return enc.Encode(jsonLine{Time: jsonTime(r.Time), Stream: r.Stream.String(), Line: string(line)})
		}
		if r.Sep {
			out.WriteString("--\n")
		}
		if v.timestamps {
			out.WriteString(stamp(r.Time))
		}
		out.Write(line)
		if !r.Partial {
			out.WriteByte('\n')
		}
		return nil
	}
	if !c.Bool("follow") {
		return e.LogLines(t.ID, v.query, print)
	}
	// A follower shows each line as it comes.
	flushed := func(r engine.LogRecord) error {
		if err := print(r); err != nil {
			return err
		}
		return out.Flush()
	}
	return e.FollowLogLines(ctx, t.ID, v.query, flushed)
}

// jsonLine is one line of log --json.
type jsonLine struct {
	Time   *string `json:"time"`
	Stream string  `json:"stream"`
	Line   string  `json:"line"`
}

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

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

// warnLost says on stderr, after the output, that the log is incomplete:
// the monitor could not write all of it (a full disk), or its file was
// deleted while the task ran.
func warnLost(c *cli.Context, t task.Task) {
	if t.LogError != "" {
		fmt.Fprintf(c.App.ErrWriter, "ghost: log: warning: %s\n", printable.String(t.LogError))
	}
}
