// Package command is the ghost command line: a table of commands, one file
// per command, and one place (errors.go) that turns failures into messages
// and exit codes.
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// usage is ghost's one-line description, in --help and the man page.
const usage = "run commands in the background and manage them, with no daemon"

// Main runs the command line args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	var unknown string
	cli.FlagStringer = flagString
	app := &cli.App{
		Name:                      "ghost",
		Usage:                     usage,
		Version:                   engine.Version().String(),
		Commands:                  commands(),
		Writer:                    stdout,
		ErrWriter:                 stderr,
		HideHelpCommand:           true,
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      true,
		CommandNotFound:           func(_ *cli.Context, name string) { unknown = name },
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError:              onUsageError,
	}
	// The help command is ghost's own (help.go); urfave/cli adds its
	// --help flag only when it adds its own command, so it is added here.
	app.Flags = []cli.Flag{cli.HelpFlag}
	for _, c := range app.Commands {
		c.OnUsageError = onUsageError
	}
	// One context for the whole command: Ctrl-C (or SIGTERM) cancels it,
	// wherever the command waits (a busy database included), and the
	// command ends with exit 130.
	ctx, stop := interruptible(context.Background())
	defer stop()
	err := app.RunContext(ctx, interspersed(args, app.Commands))
	if unknown != "" {
		return report(stderr, &cliError{what: unknown, err: errors.New("no such command"), hint: "see the commands with: ghost --help", code: exitUsage})
	}
	return report(stderr, err)
}

func onUsageError(c *cli.Context, err error, _ bool) error {
	what := "usage"
	if c.Command != nil && c.Command.Name != "" {
		what = c.Command.Name
	}
	return &cliError{what: what, err: err, hint: "see: ghost " + strings.TrimSpace(c.Command.Name+" --help"), code: exitUsage}
}

// interspersed lets flags follow positional arguments (ghost log ID -f), as
// the CLI contract writes them, by moving the flags of every command but
// run to the front; run's arguments after the command belong to the
// command.
func interspersed(args []string, cmds []*cli.Command) []string {
	if len(args) < 3 {
		return args
	}
	var cmd *cli.Command
	for _, c := range cmds {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil || cmd.SkipFlagParsing || cmd.Name == "run" {
		return args
	}
	valued := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			valued[n] = !isBool
		}
	}
	var flags, pos []string
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos = append(pos, rest[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && valued[name] && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(pos) > 0 {
		out = append(append(out, "--"), pos...)
	}
	return out
}

// openEngine opens the data directory named by the environment, and its
// database.
func openEngine(c *cli.Context) (*engine.Engine, error) {
	e, err := engine.Open(c.Context, os.Getenv)
	if err != nil {
		return nil, failed("opening data directory", err)
	}
	return e, nil
}

// openTask opens the data directory and resolves the command's one TASK
// argument; the caller closes the engine.
func openTask(c *cli.Context) (*engine.Engine, task.Task, error) {
	if err := needArgs(c, 1, 1, "TASK (an id, id prefix or name)"); err != nil {
		return nil, task.Task{}, err
	}
	e, err := openEngine(c)
	if err != nil {
		return nil, task.Task{}, err
	}
	t, err := e.Get(c.Context, c.Args().First())
	if err != nil {
		e.Close()
		return nil, task.Task{}, failed(c.Command.Name, err)
	}
	return e, t, nil
}

// interruptible returns a context that ends on Ctrl-C or SIGTERM.
func interruptible(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// needArgs checks the number of positional arguments.
func needArgs(c *cli.Context, min, max int, what string) error {
	n := c.NArg()
	switch {
	case n < min:
		return usageError(c.Command.Name, "missing %s", what)
	case max >= 0 && n > max:
		return usageError(c.Command.Name, "too many arguments: %s", strings.Join(c.Args().Slice()[max:], " "))
	}
	return nil
}

func printf(c *cli.Context, format string, args ...any) {
	fmt.Fprintf(c.App.Writer, format, args...)
}
