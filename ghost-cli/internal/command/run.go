package command

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "start a command in the background and print its task id",
		ArgsUsage: "[--] COMMAND [ARG...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "name the task (unique among running tasks)"},
			&cli.StringFlag{Name: "cwd", Aliases: []string{"c"}, Usage: "working directory (default: the current one)"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set `KEY=VALUE` in the task's environment (repeatable)"},
			&cli.StringFlag{Name: "log-max-size", Usage: "rotate the log when a file would pass `SIZE` (512K, 10M, 1G; default 10M or $GHOST_LOG_MAX_SIZE)"},
			&cli.IntFlag{Name: "log-max-files", Usage: "keep at most `N` log files, current one included (default 5 or $GHOST_LOG_MAX_FILES)"},
		},
		Action: run,
	}
}

func run(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("run", "no command given")
	}
	opts, err := runOptions(c)
	if err != nil {
		return err
	}
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	t, err := e.Run(context.Background(), opts)
	if err != nil {
		return failed("run", err)
	}
	printf(c, "%s\n", t.ID)
	return nil
}

// runOptions turns the command line into what the engine runs: the
// caller's environment plus --env, the caller's directory unless --cwd.
func runOptions(c *cli.Context) (engine.RunOptions, error) {
	name := c.String("name")
	if c.IsSet("name") && (name == "" || strings.ContainsRune(name, 0)) {
		return engine.RunOptions{}, usageError("run", "invalid --name %q: want a non-empty name", name)
	}
	wd, err := os.Getwd()
	if err != nil {
		return engine.RunOptions{}, failed("run", err)
	}
	cwd := wd
	if c.IsSet("cwd") {
		cwd = c.String("cwd")
		if !filepath.IsAbs(cwd) {
			cwd = filepath.Join(wd, cwd)
		}
	}
	env := task.EnvMap(os.Environ())
	for _, kv := range c.StringSlice("env") {
		k, v, err := task.ParseEnvPair(kv)
		if err != nil {
			return engine.RunOptions{}, usageError("run", "invalid --env %w", err)
		}
		env[k] = v
	}
	policy, err := logPolicy(c)
	if err != nil {
		return engine.RunOptions{}, err
	}
	return engine.RunOptions{
		Name: name, Command: c.Args().Slice(), Cwd: filepath.Clean(cwd),
		Env: task.EnvList(env), Log: policy,
	}, nil
}

// logPolicy reads the rotation limits: flags, then the environment, then
// the defaults.
func logPolicy(c *cli.Context) (logs.Policy, error) {
	p := logs.DefaultPolicy
	size := os.Getenv("GHOST_LOG_MAX_SIZE")
	sizeFrom := "$GHOST_LOG_MAX_SIZE"
	if c.IsSet("log-max-size") {
		size, sizeFrom = c.String("log-max-size"), "--log-max-size"
	}
	if size != "" {
		n, err := logs.ParseSize(size)
		if err != nil {
			return p, usageError("run", "invalid %s %w", sizeFrom, err)
		}
		p.MaxSize = n
	}
	if v := os.Getenv("GHOST_LOG_MAX_FILES"); v != "" && !c.IsSet("log-max-files") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, usageError("run", "invalid $GHOST_LOG_MAX_FILES %q: want a whole number of at least 1", v)
		}
		p.MaxFiles = n
	}
	if c.IsSet("log-max-files") {
		n := c.Int("log-max-files")
		if n < 1 {
			return p, usageError("run", "invalid --log-max-files %d: want at least 1", n)
		}
		p.MaxFiles = n
	}
	return p, nil
}
