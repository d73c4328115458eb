package command

import (
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
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	fresh, err := e.Restart(c.Context, t.ID, grace)
	if err != nil {
		return failed("restart", err)
	}
	printf(c, "%s\n", fresh.ID)
	return nil
}
