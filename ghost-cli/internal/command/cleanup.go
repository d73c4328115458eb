package command

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func cleanupCommand() *cli.Command {
	return &cli.Command{
		Name:  "cleanup",
		Usage: "delete finished tasks and their logs in bulk",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "older-than", Value: "7d", Usage: "only tasks that finished more than `DURATION` ago (0 for all)"},
			&cli.StringFlag{Name: "status", Aliases: []string{"s"}, Value: "exited,killed,unknown", Usage: "only tasks in these `STATES`"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print what would be removed, remove nothing"},
		},
		Action: cleanup,
	}
}

func cleanup(c *cli.Context) error {
	if err := needArgs(c, 0, 0, ""); err != nil {
		return err
	}
	age, err := parseDuration(c.String("older-than"))
	if err != nil {
		return usageError("cleanup", "invalid --older-than %w", err)
	}
	statuses, err := parseStatuses(c.String("status"))
	if err != nil {
		return usageError("cleanup", "%w", err.(*cliError).err)
	}
	for _, st := range statuses {
		if !st.Finished() {
			return usageError("cleanup", "invalid --status %s: cleanup removes finished tasks only (see ghost rm --force)", st)
		}
	}
	if statuses == nil {
		statuses = []task.Status{task.Exited, task.Killed, task.Unknown}
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := c.Context
	tasks, err := e.List(ctx, engine.Filter{Statuses: statuses})
	if err != nil {
		return failed("cleanup", err)
	}
	cutoff := time.Now().Add(-age)
	verb := "removed"
	if c.Bool("dry-run") {
		verb = "would remove"
	}
	for _, t := range tasks {
		end := t.FinishedAt
		if end.IsZero() {
			end = t.StartedAt // an unknown end: the start is the latest sure time
		}
		if !end.Before(cutoff) && age > 0 {
			continue
		}
		if !c.Bool("dry-run") {
			if err := e.Remove(ctx, t.ID); err != nil {
				return failed("cleanup", err)
			}
		}
		printf(c, "%s %s  %s  %s\n", verb, t.ID, t.Status, printable.Quote(t.Command))
	}
	return nil
}
