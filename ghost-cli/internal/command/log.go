package command

import (
	"context"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/logs"
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
	if err := needArgs(c, 1, 1, "TASK (an id, id prefix or name)"); err != nil {
		return err
	}
	tail := c.Int("tail")
	if c.IsSet("tail") && tail < 0 {
		return usageError("log", "invalid --tail %d: want 0 or more lines", tail)
	}
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, stop := interruptible(context.Background())
	defer stop()
	t, err := e.Find(ctx, c.Args().First())
	if err != nil {
		return failed("log", err)
	}
	dir := e.Dir.LogDir()
	if !c.Bool("follow") {
		return failed("log", logs.Copy(c.App.Writer, dir, t.ID, tail))
	}
	w := e.Watch()
	defer w.Close()
	err = logs.Follow(ctx, c.App.Writer, dir, t.ID, tail, e.Ended(ctx, t.ID), w.C)
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	return failed("log", err)
}
