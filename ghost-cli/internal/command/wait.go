package command

import (
	"context"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// exitTimeout is what wait returns when its timeout passes first, as
// timeout(1) does.
const exitTimeout = 124

func waitCommand() *cli.Command {
	return &cli.Command{
		Name:      "wait",
		Usage:     "wait until tasks end; exit with the first nonzero status",
		ArgsUsage: "TASK...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "timeout", Aliases: []string{"t"}, Usage: "give up after `DURATION` with exit 124 (the tasks keep running)"},
		},
		Action: waitAction,
	}
}

func waitAction(c *cli.Context) error {
	if err := needArgs(c, 1, -1, "TASK (an id, id prefix or name)"); err != nil {
		return err
	}
	ctx := c.Context
	if c.IsSet("timeout") {
		d, err := parseDuration(c.String("timeout"))
		if err != nil {
			return usageError("wait", "invalid --timeout %w", err)
		}
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, d)
		defer cancelTimeout()
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	var tasks []task.Task
	for _, ref := range c.Args().Slice() {
		t, err := e.Get(ctx, ref)
		if err != nil {
			return failed("wait", err)
		}
		tasks = append(tasks, t)
	}
	code := exitOK
	for _, t := range tasks {
		done, err := e.Wait(ctx, t.ID)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			return &cliError{what: "wait", err: errors.New("timed out; the tasks keep running"), code: exitTimeout}
		case err != nil:
			return failed("wait", err)
		}
		if code == exitOK {
			code = engine.ExitStatus(done.Listing)
		}
	}
	if code != exitOK {
		return &cliError{what: "wait", code: code, quiet: true}
	}
	return nil
}
