package command

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func rmCommand() *cli.Command {
	return &cli.Command{
		Name:      "rm",
		Usage:     "delete finished tasks and their logs",
		ArgsUsage: "TASK...",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "stop running tasks first, then delete them"},
		},
		Action: rm,
	}
}

func rm(c *cli.Context) error {
	if err := needArgs(c, 1, -1, "TASK (an id, id prefix or name)"); err != nil {
		return err
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := c.Context
	var errs []error
	for _, ref := range c.Args().Slice() {
		t, err := e.Get(ctx, ref)
		if err == nil && !t.Status.Finished() {
			if !c.Bool("force") {
				err = fmt.Errorf("%s: %w", t.ShortID(), task.ErrStillRunning)
			} else if _, err = e.Stop(ctx, t.ID, engine.DefaultStopGrace); errors.Is(err, task.ErrNotRunning) {
				err = nil
			}
		}
		if err == nil {
			err = e.Remove(ctx, t.ID)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		e := failed("rm", errs[0])
		if errors.Is(errs[0], task.ErrStillRunning) {
			e.(*cliError).hint = "stop it first, or use: ghost rm --force"
		}
		return e
	}
	for _, err := range errs[:len(errs)-1] {
		report(c.App.ErrWriter, failed("rm", err))
	}
	return failed("rm", errs[len(errs)-1])
}
