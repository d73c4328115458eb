package command

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-cli/internal/mcp"
	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func mcpCommand() *cli.Command {
	return &cli.Command{
		Name:  "mcp",
		Usage: "serve ghost's tools to coding agents (MCP over stdio)",
		Description: "Register it with your agent (claude mcp add ghost -- ghost mcp).\n" +
			"It exits when the client closes stdin, once the calls it received\n" +
			"are answered (at most 2 seconds later); the tasks it started keep\n" +
			"running (end them with the cleanup tool).",
		Action: serveMCP,
	}
}

func serveMCP(c *cli.Context) error {
	if err := needArgs(c, 0, 0, ""); err != nil {
		return err
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	wd, err := os.Getwd()
	if err != nil {
		return failed("mcp", err)
	}
	policy, err := logPolicy(c)
	if err != nil {
		return err
	}
	restart, err := restartPolicy(c) // $GHOST_RESTART: the flags are run's
	if err != nil {
		return err
	}
	s := mcp.New(mcp.Options{
		Version:  engine.Version().Release,
		Engine:   e,
		Defaults: engine.Spec{Cwd: filepath.Clean(wd), Env: task.EnvList(task.EnvMap(os.Environ())), Log: policy, Restart: restart},
		Describe: describeFailure,
	})
	ctx := c.Context
	if err := s.Run(ctx, os.Stdin, os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		return failed("mcp", err)
	}
	return nil
}

// describeFailure words a failure for an MCP client as report words it
// for a person: the message without the "ghost: " prefix, and the hint.
func describeFailure(what string, err error) (string, string) {
	var ce *cliError
	if !errors.As(failed(what, err), &ce) {
		return what + ": " + err.Error(), ""
	}
	return ce.Error(), ce.hint
}
