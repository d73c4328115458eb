package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func logCommand() *cli.Command {
	return &cli.Command{
		Name:      "log",
		Aliases:   []string{"logs"},
		Usage:     "print a task's output, byte for byte",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "tail", Aliases: []string{"n"}, Value: -1, DefaultText: "all", Usage: "print only the last `N` lines"},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new output until the task ends"},
		},
		Action: logAction,
	}
}

func logAction(c *cli.Context) error {
	tail := c.Int("tail")
	if c.IsSet("tail") && tail < 0 {
		return usageError("log", "invalid --tail %d: want 0 or more lines", tail)
	}
	ctx := c.Context
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	opts := engine.LogOptions{Tail: tail}
	if !c.Bool("follow") {
		if err := e.Log(c.App.Writer, t.ID, opts); err != nil {
			return failed("log", err)
		}
		warnLost(c, t)
		return nil
	}
	if err := e.Follow(ctx, c.App.Writer, t.ID, opts); err != nil {
		return failed("log", err)
	}
	if t, err := e.Get(ctx, t.ID); err == nil {
		warnLost(c, t)
	}
	return nil
}

// warnLost says on stderr, after the output, that the log is incomplete:
// the monitor could not write all of it (a full disk).
func warnLost(c *cli.Context, t task.Task) {
	if t.LogError != "" {
		fmt.Fprintf(c.App.ErrWriter, "ghost: log: warning: %s\n", printable.String(t.LogError))
	}
}
