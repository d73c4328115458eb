package command

import (
	"context"
	"errors"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
)

func downCommand() *cli.Command {
	return &cli.Command{
		Name:      "down",
		Usage:     "stop a project's running tasks; return once all have ended",
		ArgsUsage: "[SERVICE...]",
		Flags: []cli.Flag{
			projectFlag("stop the tasks of `PROJECT`", "the name of the Procfile's directory"),
			&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Value: "Procfile", Usage: "the Procfile `FILE` whose directory names the project"},
			graceFlag(),
		},
		Action: down,
	}
}

func down(c *cli.Context) error {
	grace, err := graceOf(c)
	if err != nil {
		return err
	}
	project, err := projectOf(c)
	if err != nil {
		return err
	}
	ctx := c.Context
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	results, err := e.Down(ctx, project, c.Args().Slice(), grace)
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	if err != nil {
		return failed("down", err)
	}
	width := 0
	for _, r := range results {
		width = max(width, printable.Width(r.Task.Name))
	}
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			if errors.Is(r.Err, context.Canceled) {
				return errInterrupted
			}
			errs = append(errs, failed("down: "+r.Task.Name, r.Err))
			continue
		}
		printf(c, "%s  stopped  %s\n", padded(r.Task.Name, width), r.Task.ID)
	}
	return several(c.App.ErrWriter, errs)
}

// projectOf is the project a command works on: -p, else the name of the
// directory of the Procfile (-f, or ./Procfile), which must exist.
func projectOf(c *cli.Context) (string, error) {
	what := c.Command.Name
	if c.IsSet("project") {
		p := c.String("project")
		if err := engine.CheckProject(p); err != nil {
			return "", usageError(what, "invalid --project: %w", err)
		}
		return p, nil
	}
	file := c.String("file")
	if file == "" {
		file = "Procfile"
	}
	if _, err := os.Stat(file); err != nil {
		return "", &cliError{what: what, err: errors.New("no project named and no " + file + " here"),
			hint: "name the project with -p PROJECT, or run this where its Procfile is", code: exitUsage}
	}
	p, err := engine.ProjectOf(file)
	if err != nil {
		return "", failed(what, err)
	}
	return p, nil
}
