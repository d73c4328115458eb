package command

import (
	"context"
	"errors"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// exitTimeout is what wait returns when its timeout passes first, as
// timeout(1) does.
const exitTimeout = 124

// exitUnknownEnd is what wait returns for a task whose end nobody saw.
const exitUnknownEnd = 255

func waitCommand() *cli.Command {
	return &cli.Command{
		Name:      "wait",
		Usage:     "wait until tasks end; exit with the first nonzero status",
		ArgsUsage: "TASK...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "timeout", Aliases: []string{"t"}, Usage: "give up after `DURATION` with exit 124 (the tasks keep running)"},
		},
		Action: waitAction,
	}
}

func waitAction(c *cli.Context) error {
	if err := needArgs(c, 1, -1, "TASK (an id, id prefix or name)"); err != nil {
		return err
	}
	ctx, cancel := interruptible(context.Background())
	defer cancel()
	if c.IsSet("timeout") {
		d, err := parseDuration(c.String("timeout"))
		if err != nil {
			return usageError("wait", "invalid --timeout %w", err)
		}
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, d)
		defer cancelTimeout()
	}
	e, err := openEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	var tasks []task.Task
	for _, ref := range c.Args().Slice() {
		t, err := e.Find(ctx, ref)
		if err != nil {
			return failed("wait", err)
		}
		tasks = append(tasks, t)
	}
	code := exitOK
	for _, t := range tasks {
		done, ended, err := e.Wait(ctx, t.ID, 0)
		switch {
		case errors.Is(err, context.DeadlineExceeded) || (err == nil && !ended):
			return &cliError{what: "wait", err: errors.New("timed out; the tasks keep running"), code: exitTimeout}
		case errors.Is(err, context.Canceled):
			return errInterrupted
		case err != nil:
			return failed("wait", err)
		}
		if code == exitOK {
			code = statusCode(done)
		}
	}
	if code != exitOK {
		return &cliError{what: "wait", code: code, quiet: true}
	}
	return nil
}

// statusCode is the exit status a shell would report for the task.
func statusCode(t task.Task) int {
	switch t.Status {
	case task.Exited:
		if t.ExitCode != nil {
			return *t.ExitCode
		}
	case task.Killed:
		if sig, err := proc.ParseSignal(t.Signal); err == nil {
			return 128 + int(sig)
		}
		return 128 + int(syscall.SIGKILL)
	}
	return exitUnknownEnd
}
