package command

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

func stopCommand() *cli.Command {
	return &cli.Command{
		Name:      "stop",
		Usage:     "stop a task: SIGTERM to its process group, SIGKILL later",
		ArgsUsage: "TASK",
		Flags: []cli.Flag{
			graceFlag(),
		},
		Action: stop,
	}
}

func stop(c *cli.Context) error {
	grace, err := graceOf(c)
	if err != nil {
		return err
	}
	e, t, err := openTask(c)
	if err != nil {
		return err
	}
	defer e.Close()
	if _, err := e.Stop(c.Context, t.ID, grace); err != nil {
		return failed("stop", err)
	}
	return nil
}

// graceFlag is --timeout for the commands that stop a task (stop, restart).
func graceFlag() cli.Flag {
	return &cli.StringFlag{Name: "timeout", Aliases: []string{"t"}, Value: engine.DefaultStopGrace.String(),
		Usage: "how long to wait after SIGTERM before SIGKILL (`DURATION`: 500ms, 10s, 2m)"}
}

// graceOf reads graceFlag.
func graceOf(c *cli.Context) (time.Duration, error) {
	grace, err := parseDuration(c.String("timeout"))
	if err != nil {
		return 0, usageError(c.Command.Name, "invalid --timeout %w", err)
	}
	return grace, nil
}

// errBadDuration reports a duration parseDuration cannot read.
var errBadDuration = errors.New("want a duration such as 500ms, 10s or 2m")

// parseDuration reads a Go duration (1m30s), a number of days or weeks
// (7d, 2w), or a plain number of seconds.
func parseDuration(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || !(v >= 0 && v <= 1e5) {
				return 0, &valueError{s, errBadDuration}
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		if !(secs >= 0 && secs <= 1e9) {
			return 0, &valueError{s, errBadDuration}
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, &valueError{s, errBadDuration}
	}
	return d, nil
}

// valueError names the value that was wrong and why.
type valueError struct {
	value string
	err   error
}

func (e *valueError) Error() string { return strconv.Quote(e.value) + ": " + e.err.Error() }
func (e *valueError) Unwrap() error { return e.err }
