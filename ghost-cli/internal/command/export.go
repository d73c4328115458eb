package command

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "print a task as a systemd unit, launchd agent or Nomad job",
		ArgsUsage: "TASK | -p PROJECT",
		Description: "The definition runs the same command in the same directory with the\n" +
			"environment given for it (--env, --env-file, a Procfile's env files and\n" +
			"PORT; and PATH) and the same restart policy. Secret-looking values\n" +
			"(TOKEN, PASSWORD, KEY, ... in the name) are replaced by <NAME>\n" +
			"placeholders, with a warning, unless --include-secrets. Several files (a\n" +
			"project) are printed one after the other, each after a ==> NAME <== line,\n" +
			"or written into a directory with -o.\n" +
			"   ghost export web -F systemd > ~/.config/systemd/user/ghost-web.service\n" +
			"   ghost export -p shop -F nomad > shop.nomad.hcl",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"F"}, DefaultText: "systemd; launchd on macOS",
				Usage: "write `FORMAT`: systemd, launchd or nomad"},
			projectFlag("export every service of `PROJECT` (see ghost up)", ""),
			&cli.BoolFlag{Name: "include-secrets", Usage: "write secret-looking values as they are"},
			&cli.IntFlag{Name: "ready-port", Usage: "the task is ready once it listens on TCP `PORT` (a wait after start, a Nomad check)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the files into `DIR` (created if missing) and print their paths"},
		},
		Action: exportAction,
	}
}

// exportFormats are the values of --format.
var exportFormats = engine.ExportFormats

func exportAction(c *cli.Context) error {
	format := c.String("format")
	if format == "" {
		format = "systemd"
		if runtime.GOOS == "darwin" {
			format = "launchd"
		}
	}
	if !slices.Contains(exportFormats, format) {
		return usageError("export", "invalid --format %q: want systemd, launchd or nomad", format)
	}
	if p := c.Int("ready-port"); c.IsSet("ready-port") && (p < 1 || p > 65535) {
		return usageError("export", "invalid --ready-port %d: want 1 to 65535", p)
	}
	project := c.String("project")
	switch {
	case project != "" && c.NArg() > 0:
		return usageError("export", "give a TASK or -p PROJECT, not both")
	case project != "" && c.IsSet("ready-port"):
		return usageError("export", "--ready-port is one task's port: export the service alone (ghost export %s/SERVICE --ready-port PORT)", project)
	case project == "":
		if err := needArgs(c, 1, 1, "TASK (an id, id prefix or name), or -p PROJECT"); err != nil {
			return err
		}
	}
	e, err := openEngine(c)
	if err != nil {
		return err
	}
	defer e.Close()
	tasks, err := exportTasks(c.Context, e, c.Args().First(), project)
	if err != nil {
		return err
	}

	set := engine.ExportSet{Project: project}
	var masked, skipped []string
	for _, t := range tasks {
		s, m, sk := exportService(t, c.Bool("include-secrets"))
		if project == "" {
			s.ReadyPort = c.Int("ready-port")
		}
		set.Services = append(set.Services, s)
		masked = append(masked, m...)
		skipped = append(skipped, sk...)
		if !filepath.IsAbs(s.Command[0]) {
			warn(c, "%s: %s is not on the task's PATH: the service manager needs an absolute path", s.Name, s.Command[0])
		}
	}
	if len(masked) > 0 {
		warn(c, "secret-looking values replaced by placeholders: %s (export them with --include-secrets)", strings.Join(unique(masked), ", "))
	}
	if len(skipped) > 0 {
		warn(c, "variables whose names a service manager refuses left out: %s", strings.Join(unique(skipped), ", "))
	}
	files, err := engine.RenderExport(format, set)
	if err != nil {
		return failed("export", err)
	}
	if dir := c.String("output"); dir != "" {
		return writeExport(c, dir, files, c.Bool("include-secrets"))
	}
	for i, f := range files {
		if len(files) > 1 {
			if i > 0 {
				printf(c, "\n")
			}
			printf(c, "==> %s <==\n", f.Name)
		}
		if _, err := c.App.Writer.Write(f.Data); err != nil {
			return failed("export", err)
		}
	}
	return nil
}

// exportTasks finds the task named by ref, or the newest task of each of
// the project's services, each in full (environment included).
func exportTasks(ctx context.Context, e *engine.Engine, ref, project string) ([]task.Task, error) {
	if project == "" {
		t, err := e.Get(ctx, ref)
		if err != nil {
			return nil, failed("export", err)
		}
		return []task.Task{t}, nil
	}
	if err := engine.CheckProject(project); err != nil {
		return nil, usageError("export", "invalid --project: %w", err)
	}
	latest, err := e.ProjectLatest(ctx, project)
	if err != nil {
		return nil, failed("export", err)
	}
	if len(latest) == 0 {
		return nil, &cliError{what: "export", err: fmt.Errorf("project %q: %w", project, task.ErrNotFound),
			hint: "start it with: ghost up -p " + project, code: exitFailure}
	}
	var out []task.Task
	for _, l := range latest {
		t, err := e.Get(ctx, l.ID)
		if err != nil {
			return nil, failed("export", err)
		}
		out = append(out, t)
	}
	return out, nil
}

// exportService describes t for a service manager: its command with the
// program as an absolute path, its directory, the environment given for
// it (all of it, less the shell session's, for a task from before ghost
// recorded which variables were given), and, unless includeSecrets,
// placeholders for secret-looking values (a name that says secret, a
// URL's password) as ghost-ui and status mask them. It returns the
// names it masked, and those it left out as no manager takes them.
func exportService(t task.Task, includeSecrets bool) (s engine.ExportService, masked, skipped []string) {
	name := t.Name
	if t.Project != "" {
		name = strings.TrimPrefix(name, t.Project+"/")
	}
	if name == "" {
		name = t.ShortID()
	}
	origin := "task " + t.ShortID()
	if t.Name != "" {
		origin += " (" + t.Name + ")"
	}
	s = engine.ExportService{
		Name:    name,
		Origin:  origin,
		Command: slices.Clone(t.Command),
		Dir:     t.Cwd,
		Home:    t.Env["HOME"],
		Restart: exportPolicy(t.RestartPolicy),
	}
	s.Command[0] = absProgram(t.Command[0], t.Cwd, t.Env["PATH"])
	keys := make([]string, 0, len(t.Env))
	for k := range t.Env {
		// What was given for the task (--env, --env-file, a Procfile's
		// env files and PORT), and the PATH its program was found on; the
		// rest is the caller's shell, which a service manager has its own
		// of. Tasks from before ghost recorded the keys export it all.
		if t.EnvGiven == nil || k == "PATH" || slices.Contains(t.EnvGiven, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := t.Env[k]
		switch {
		case sessionOnly[k]:
			continue
		case !engine.ValidEnvKey(k):
			skipped = append(skipped, k)
			continue
		case includeSecrets || v == "":
		case engine.SecretEnvName(k):
			masked = append(masked, k)
			v = "<" + k + ">"
		case engine.MaskEnv(k, v) != v: // a URL with a password
			masked = append(masked, k)
			v = engine.MaskEnv(k, v)
		}
		s.Env = append(s.Env, engine.ExportVar{Key: k, Value: v})
	}
	return s, masked, skipped
}

// sessionOnly are variables of the shell session a task was started from
// that mean nothing to a service manager, or mislead it (a terminal that
// is gone, an agent socket of a login that ended).
var sessionOnly = map[string]bool{
	"_": true, "PWD": true, "OLDPWD": true, "SHLVL": true, "PS1": true, "PS2": true, "PROMPT_COMMAND": true,
	"TERM": true, "TERM_PROGRAM": true, "TERM_PROGRAM_VERSION": true, "TERM_SESSION_ID": true, "COLORTERM": true,
	"COLUMNS": true, "LINES": true, "LS_COLORS": true, "TMUX": true, "TMUX_PANE": true, "STY": true, "WINDOW": true,
	"SSH_CLIENT": true, "SSH_CONNECTION": true, "SSH_TTY": true, "SSH_AUTH_SOCK": true, "GPG_TTY": true,
	"DISPLAY": true, "WAYLAND_DISPLAY": true, "XAUTHORITY": true, "DBUS_SESSION_BUS_ADDRESS": true,
	"XDG_SESSION_ID": true, "XDG_SESSION_TYPE": true, "XDG_SESSION_CLASS": true, "XDG_SEAT": true, "XDG_VTNR": true,
	"XDG_RUNTIME_DIR": true, "MAIL": true, "HISTFILE": true, "HISTSIZE": true, "HISTFILESIZE": true,
	"GHOST_DATA_DIR": true,
}

// absProgram is the absolute path of program as the task found it: as
// given when absolute, under dir when it names a path, else the first
// executable of that name on the task's PATH; unchanged if none.
func absProgram(program, dir, path string) string {
	if filepath.IsAbs(program) {
		return program
	}
	if strings.ContainsRune(program, filepath.Separator) {
		return filepath.Join(dir, program)
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		p := filepath.Join(d, program)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return program
}

// writeExport writes files into dir, private when they hold secrets.
func writeExport(c *cli.Context, dir string, files []engine.ExportFile, secrets bool) error {
	dirMode, fileMode := os.FileMode(0o755), os.FileMode(0o644)
	if secrets {
		dirMode, fileMode = 0o700, 0o600
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return failed("export", err)
	}
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, fileMode); err != nil {
			return failed("export", err)
		}
		// WriteFile keeps the mode of a file that exists.
		if err := os.Chmod(p, fileMode); err != nil {
			return failed("export", err)
		}
		printf(c, "%s\n", p)
	}
	return nil
}

// warn prints a warning about the command's work on stderr.
func warn(c *cli.Context, format string, args ...any) {
	fmt.Fprintf(c.App.ErrWriter, "ghost: %s: warning: %s\n", c.Command.Name, printable.String(fmt.Sprintf(format, args...)))
}

// unique sorts names and drops repeats.
func unique(names []string) []string {
	slices.Sort(names)
	return slices.Compact(names)
}

// exportPolicy is the task's restart policy as a service manager keeps
// it: the mode, the first delay, and the bound of restarts in a row.
func exportPolicy(p task.RestartPolicy) engine.ExportPolicy {
	if !p.Restarts() {
		return engine.ExportPolicy{Mode: engine.ExportRestartNo}
	}
	e := engine.ExportPolicy{Mode: string(p.Mode), Delay: p.Delay, Burst: engine.ExportUnlimited}
	if p.MaxRestarts != task.UnlimitedRestarts {
		// ghost gives up after MaxRestarts restarts in a row of runs shorter
		// than MinUptime; a manager restarting after a fixed Delay makes
		// those MaxRestarts+1 starts within this window.
		n := time.Duration(p.MaxRestarts)
		e.Burst, e.Window = p.MaxRestarts+1, (n+1)*p.MinUptime+n*p.Delay
	}
	return e
}
