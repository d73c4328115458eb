package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func upCommand() *cli.Command {
	return &cli.Command{
		Name:      "up",
		Usage:     "start a Procfile's services as tasks named PROJECT/SERVICE",
		ArgsUsage: "[SERVICE...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Value: "Procfile", Usage: "read the services from `FILE`"},
			projectFlag("call the project `PROJECT`", "the name of the Procfile's directory"),
			&cli.StringFlag{Name: "env-file", Usage: "read KEY=VALUE lines from `FILE`, after the .env beside the Procfile (it wins)"},
			&cli.StringFlag{Name: "restart", Value: "on-failure", Usage: "restart the services by `POLICY`: no, on-failure or always"},
			&cli.IntFlag{Name: "port-base", Value: engine.DefaultPortBase, Usage: "$PORT of the first service is `N`, each next one gets 100 more"},
			graceFlag(),
		},
		Action: up,
	}
}

// projectFlag is -p for the commands that work on a project.
func projectFlag(usage, def string) cli.Flag {
	return &cli.StringFlag{Name: "project", Aliases: []string{"p"}, Usage: usage, DefaultText: def}
}

// restartPolicies are the values of --restart.
var restartPolicies = []string{"no", "on-failure", "always"}

// upSettle is how long up watches what it started: a service that ends
// within it did not come up.
const upSettle = time.Second

func up(c *cli.Context) error {
	policy := c.String("restart")
	if !contains(restartPolicies, policy) {
		return usageError("up", "invalid --restart %q: want no, on-failure or always", policy)
	}
	if c.IsSet("port-base") && (c.Int("port-base") < 1 || c.Int("port-base") > 65535) {
		return usageError("up", "invalid --port-base %d: want 1 to 65535", c.Int("port-base"))
	}
	if c.IsSet("project") {
		if err := engine.CheckProject(c.String("project")); err != nil {
			return usageError("up", "invalid --project: %w", err)
		}
	}
	grace, err := graceOf(c)
	if err != nil {
		return err
	}
	logPol, err := logPolicy(c)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return failed("up", err)
	}
	app, err := engine.LoadApp(engine.AppOptions{
		File: c.String("file"), Project: c.String("project"), EnvFile: c.String("env-file"),
		PortBase: c.Int("port-base"), Environ: os.Environ(), Wd: wd,
	})
	if err != nil {
		return failed("up", err)
	}
	services, err := app.Select(c.Args().Slice())
	if err != nil {
		return failed("up", err)
	}
	ctx := c.Context
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	restart := task.DefaultRestartPolicy
	restart.Mode = task.RestartMode(policy)
	results, err := e.Up(ctx, app, services, engine.UpOptions{Log: logPol, Grace: grace, Settle: upSettle, Restart: restart})
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("up", err)
	}
	width := 0
	for _, r := range results {
		width = max(width, printable.Width(engine.TaskName(app.Project, r.Service)))
	}
	var errs []error
	for _, r := range results {
		name := engine.TaskName(app.Project, r.Service)
		if r.Task.ID != "" {
			printf(c, "%s  %-9s  %s\n", padded(name, width), r.Action, r.Task.ID)
		}
		if r.Err != nil {
			ce := failed("up: "+name, r.Err).(*cliError)
			if errors.Is(r.Err, engine.ErrNotUp) {
				ce.hint = "see its output: ghost log " + r.Task.ID
			}
			errs = append(errs, ce)
		}
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	return several(c.App.ErrWriter, errs)
}

// padded is s made printable and padded with spaces to width cells.
func padded(s string, width int) string {
	p := printable.String(s)
	return fmt.Sprintf("%s%*s", p, width-printable.Width(p), "")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
