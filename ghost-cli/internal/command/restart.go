package command

import (
	"context"
	"errors"

	"github.com/urfave/cli/v2"
)

func restartCommand() *cli.Command {
	return &cli.Command{
		Name:      "restart",
		Usage:     "run a task's command again as a new task (stopping it first)",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			graceFlag(),
		},
		Action: restart,
	}
}

func restart(c *cli.Context) error {
	grace, err := graceOf(c)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible(context.Background())
	defer cancel()
	e, t, err := openTask(ctx, c)
	if err != nil {
		return err
	}
	defer e.Close()
	policy, err := logPolicy(c)
	if err != nil {
		return err
	}
	fresh, err := e.Restart(ctx, t, grace, policy)
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("restart", err)
	}
	printf(c, "%s\n", fresh.ID)
	return nil
}
