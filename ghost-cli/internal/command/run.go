package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "start a command in the background and print its task id",
		ArgsUsage: "[--] COMMAND [ARG...]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "call the task `NAME` (unique among running tasks)"},
			&cli.StringFlag{Name: "cwd", Aliases: []string{"c"}, Usage: "run in `DIR`", DefaultText: "the current one"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set `KEY=VALUE` in the task's environment (repeatable)"},
			&cli.StringFlag{Name: "log-max-size", Usage: "rotate the log when a file would pass `SIZE` (512K, 10M, 1G)", DefaultText: "10M or $GHOST_LOG_MAX_SIZE"},
			&cli.IntFlag{Name: "log-max-files", Usage: "keep at most `N` log files, current one included", DefaultText: "5 or $GHOST_LOG_MAX_FILES"},
			&cli.StringFlag{Name: "env-file", Usage: "read KEY=VALUE lines from `FILE` (--env wins over it)"},
			&cli.IntFlag{Name: "ready-port", Usage: "return only once the task listens on TCP `PORT`"},
			&cli.StringFlag{Name: "ready-log", Usage: "return only once a line of output matches `REGEX`"},
			&cli.StringFlag{Name: "ready-cmd", Usage: "return only once the shell command `CMD` succeeds"},
			&cli.BoolFlag{Name: "tty", Usage: "run the task on a pseudo-terminal, so it line-buffers and keeps colours; stdout and stderr are then one stream (Unix only)"},
			&cli.StringFlag{Name: "tty-size", Usage: "the terminal's size for --tty, `COLSxROWS` (default 80x24)"},
			&cli.StringFlag{Name: "ready-timeout", Value: "60s", Usage: "fail (and stop the task) if it is not ready within `DURATION`"},
			&cli.StringFlag{Name: "restart", Usage: "start it again when it ends: `WHEN` is no, on-failure or always", DefaultText: "no or $GHOST_RESTART"},
			&cli.StringFlag{Name: "max-restarts", Usage: "give up after `N` restarts in a row (or unlimited)", DefaultText: "10"},
			&cli.StringFlag{Name: "restart-delay", Usage: "wait `TIME` before a restart, doubling in a row", DefaultText: "1s"},
			&cli.StringFlag{Name: "restart-delay-max", Usage: "wait at most `TIME` before a restart", DefaultText: "30s"},
			&cli.StringFlag{Name: "min-uptime", Usage: "a run lasting `TIME` resets the count and delay", DefaultText: "10s"},
		},
		Action: run,
	}
}

func run(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("run", "no command given")
	}
	spec, err := runSpec(c)
	if err != nil {
		return err
	}
	ready, readyTimeout, err := readiness(c, spec.Env)
	if err != nil {
		return err
	}
	// The database is opened only if readiness needs it.
	e, err := engine.OpenForLaunch(os.Getenv)
	if err != nil {
		return failed("opening data directory", err)
	}
	defer e.Close()
	if !ready.Set() {
		// The common case, and the one whose speed people notice: the
		// database is left to the task's monitor.
		id, err := e.Launch(c.Context, spec)
		if err != nil {
			return failed("run", err)
		}
		printf(c, "%s\n", id)
		return nil
	}
	t, err := e.Run(c.Context, spec)
	if err != nil {
		return failed("run", err)
	}
	if err := awaitReady(c, e, t, ready, readyTimeout); err != nil {
		return err
	}
	printf(c, "%s\n", t.ID)
	return nil
}

// readiness reads the --ready-* flags.
func readiness(c *cli.Context, env []string) (engine.Readiness, time.Duration, error) {
	r := engine.Readiness{Port: c.Int("ready-port"), Cmd: c.String("ready-cmd"), Env: env}
	if c.IsSet("ready-port") && (r.Port < 1 || r.Port > 65535) {
		return r, 0, usageError("run", "invalid --ready-port %d: want 1 to 65535", r.Port)
	}
	if c.IsSet("ready-log") {
		re, err := regexp.Compile(c.String("ready-log"))
		if err != nil {
			return r, 0, usageError("run", "invalid --ready-log: %w", err)
		}
		r.Log = re
	}
	d, err := parseDuration(c.String("ready-timeout"))
	if err != nil {
		return r, 0, usageError("run", "invalid --ready-timeout %w", err)
	}
	return r, d, nil
}

// readyTailLines is how much of a failed task's log run shows.
const readyTailLines = 20

// awaitReady waits for the task to be ready. When it ends or times out
// first, the error carries the last lines of its log, and a task that
// timed out is stopped: a CI job must not leave it behind.
func awaitReady(c *cli.Context, e *engine.Engine, t task.Task, r engine.Readiness, timeout time.Duration) error {
	ctx, cancelTimeout := context.WithTimeout(c.Context, timeout)
	defer cancelTimeout()
	_, err := e.WaitReady(ctx, t, r)
	if err == nil {
		return nil
	}
	if !errors.Is(err, engine.ErrEndedBeforeReady) {
		e.Stop(context.WithoutCancel(ctx), t.ID, engine.DefaultStopGrace)
	}
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	var tail strings.Builder
	e.Log(&tail, t.ID, engine.LogOptions{Tail: readyTailLines})
	hint := "task " + t.ID + " printed nothing"
	if tail.Len() > 0 {
		hint = "the last lines of task " + t.ID + "'s log:"
		for _, line := range strings.Split(strings.TrimSuffix(tail.String(), "\n"), "\n") {
			hint += "\n  " + printable.String(line)
		}
	}
	return &cliError{what: "run", err: err, hint: hint, code: exitFailure}
}

// runSpec turns the command line into what the engine runs: the caller's
// environment plus --env, the caller's directory unless --cwd.
func runSpec(c *cli.Context) (engine.Spec, error) {
	name := c.String("name")
	if c.IsSet("name") && (name == "" || strings.ContainsRune(name, 0)) {
		return engine.Spec{}, usageError("run", "invalid --name %q: want a non-empty name", name)
	}
	if err := task.CheckName(name); err != nil {
		return engine.Spec{}, usageError("run", "invalid --name %w; add a letter beyond a-f", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return engine.Spec{}, failed("run", err)
	}
	cwd := wd
	if c.IsSet("cwd") {
		cwd = c.String("cwd")
		if !filepath.IsAbs(cwd) {
			cwd = filepath.Join(wd, cwd)
		}
	}
	env := task.EnvMap(os.Environ())
	given := []string{} // recorded, so that details show them apart from the inherited
	if path := c.String("env-file"); path != "" {
		pairs, err := readEnvFile(path)
		if err != nil {
			return engine.Spec{}, err
		}
		for _, kv := range pairs {
			task.SetEnv(env, kv[0], kv[1])
			given = append(given, kv[0])
		}
	}
	for _, kv := range c.StringSlice("env") {
		k, v, err := task.ParseEnvPair(kv)
		if err != nil {
			return engine.Spec{}, usageError("run", "invalid --env %w", err)
		}
		task.SetEnv(env, k, v)
		given = append(given, k)
	}
	slices.Sort(given)
	given = slices.Compact(given)
	policy, err := logPolicy(c)
	if err != nil {
		return engine.Spec{}, err
	}
	o := engine.Spec{
		Name: name, Command: c.Args().Slice(), Cwd: filepath.Clean(cwd),
		Env: task.EnvList(env), EnvGiven: given, Log: policy, TTY: c.Bool("tty"),
	}
	if c.IsSet("tty-size") {
		if !o.TTY {
			return o, usageError("run", "--tty-size needs --tty")
		}
		if o.Size, err = engine.ParseTTYSize(c.String("tty-size")); err != nil {
			return o, usageError("run", "invalid --tty-size %w", err)
		}
	}
	if o.TTY && !engine.TTYSupported {
		return o, &cliError{what: "run", err: engine.ErrNoTTY, code: exitUsage}
	}
	if o.Restart, err = restartPolicy(c); err != nil {
		return o, err
	}
	return o, nil
}

// restartPolicy reads the --restart flags: the mode from --restart, else
// $GHOST_RESTART, else no; the rest from their flags, else the defaults.
// A bound or delay given without a policy that restarts is a mistake.
func restartPolicy(c *cli.Context) (task.RestartPolicy, error) {
	p := task.DefaultRestartPolicy
	mode, from := os.Getenv("GHOST_RESTART"), "$GHOST_RESTART"
	if c.IsSet("restart") {
		mode, from = c.String("restart"), "--restart"
	}
	if mode != "" {
		m, err := task.ParseRestartMode(mode)
		if err != nil {
			if from == "$GHOST_RESTART" {
				return p, &cliError{what: "run", err: fmt.Errorf("invalid %s %w", from, err), code: exitUsage}
			}
			return p, usageError("run", "invalid %s %w", from, err)
		}
		p.Mode = m
	}
	if c.IsSet("max-restarts") {
		n, err := task.ParseMaxRestarts(c.String("max-restarts"))
		if err != nil {
			return p, usageError("run", "invalid --max-restarts %w", err)
		}
		p.MaxRestarts = n
	}
	for _, d := range []struct {
		flag string
		to   *time.Duration
	}{{"restart-delay", &p.Delay}, {"restart-delay-max", &p.DelayMax}, {"min-uptime", &p.MinUptime}} {
		if !c.IsSet(d.flag) {
			continue
		}
		v, err := parseDuration(c.String(d.flag))
		if err != nil {
			return p, usageError("run", "invalid --%s %w", d.flag, err)
		}
		*d.to = v
	}
	if p.DelayMax < p.Delay {
		if c.IsSet("restart-delay-max") {
			return p, usageError("run", "invalid --restart-delay-max %s: less than the restart delay %s", p.DelayMax, p.Delay)
		}
		p.DelayMax = p.Delay // a first delay past the default cap: no doubling
	}
	if !p.Restarts() {
		for _, f := range []string{"max-restarts", "restart-delay", "restart-delay-max", "min-uptime"} {
			if c.IsSet(f) {
				return p, usageError("run", "--%s needs --restart on-failure or always", f)
			}
		}
	}
	return p, nil
}

// logPolicy reads the rotation limits: flags, then the environment (as the
// engine resolves it for every launcher), then the defaults.
func logPolicy(c *cli.Context) (engine.LogPolicy, error) {
	p, err := engine.LogPolicyFromEnv(os.Getenv)
	if err != nil {
		return p, failed("run", err)
	}
	if c.IsSet("log-max-size") {
		n, err := engine.ParseSize(c.String("log-max-size"))
		if err != nil {
			return p, usageError("run", "invalid --log-max-size %w", err)
		}
		p.MaxSize = n
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

func readEnvFile(path string) ([][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failed("run", fmt.Errorf("reading --env-file: %w", err))
	}
	defer f.Close()
	pairs, err := task.ParseEnvFile(f)
	if err != nil {
		return nil, usageError("run", "invalid --env-file %s: %w", path, err)
	}
	return pairs, nil
}
