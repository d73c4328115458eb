package command

import (
	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

func killCommand() *cli.Command {
	return &cli.Command{
		Name:      "kill",
		Usage:     "send one signal to a task's process group",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "KILL", Usage: "the `SIGNAL`, by name (TERM, SIGTERM) or number (15)"},
		},
		Action: kill,
	}
}

func kill(c *cli.Context) error {
	sig, err := engine.ParseSignal(c.String("signal"))
	if err != nil {
		return usageError("kill", "invalid --signal %w", err)
	}
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	return failed("kill", e.Kill(c.Context, t.ID, sig))
}
