package command

import (
	"context"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "SHELL",
		Description: "Load it from your shell's start-up file:\n" +
			"   bash: source <(ghost completion bash)\n" +
			"   zsh:  source <(ghost completion zsh)\n" +
			"   fish: ghost completion fish | source",
		Action: completion,
	}
}

// The scripts ask ghost itself for candidates (the hidden __complete
// command), so they complete live task ids and names and never go stale.
var completionScripts = map[string]string{
	"bash": `# ghost completion for bash
_ghost() {
    local cur="${COMP_WORDS[COMP_CWORD]}" IFS=$'\n'
    COMPREPLY=($(ghost __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    if [ ${#COMPREPLY[@]} -eq 0 ] && [ "${COMP_WORDS[1]}" = run ]; then
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
}
complete -o default -F _ghost ghost
`,
	"zsh": `#compdef ghost
# ghost completion for zsh
_ghost() {
    local -a items
    items=("${(@f)$(ghost __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if (( ${#items} )) && [[ -n ${items[1]} ]]; then
        compadd -a items
    else
        _files
    fi
}
# Autoloaded from a site-functions file, this file is the function's first
# call: complete now. Sourced, register the function.
if [[ $funcstack[1] == _ghost ]]; then
    _ghost "$@"
else
    compdef _ghost ghost
fi
`,
	"fish": `# ghost completion for fish
complete -c ghost -f -a '(ghost __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
}

func completion(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "SHELL (bash, zsh or fish)"); err != nil {
		return err
	}
	script, ok := completionScripts[c.Args().First()]
	if !ok {
		return usageError("completion", "unsupported shell %q: want bash, zsh or fish", c.Args().First())
	}
	printf(c, "%s", script)
	return nil
}

// completeCommand answers the scripts above: given the words after
// "ghost", the last being the one to complete, it prints candidates.
func completeCommand() *cli.Command {
	return &cli.Command{
		Name:            "__complete",
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			for _, s := range candidates(c.App.Commands, c.Args().Slice()) {
				printf(c, "%s\n", s)
			}
			return nil
		},
	}
}

// takesTask lists the commands whose arguments are tasks.
var takesTask = map[string]bool{"status": true, "log": true, "stop": true, "kill": true, "wait": true, "restart": true, "rm": true, "export": true}

// flagValues lists the values a flag can take, where they are few.
var flagValues = map[string][]string{
	"--status":  {"running", "exited", "killed", "unknown", "finished"},
	"--signal":  {"TERM", "KILL", "INT", "HUP", "QUIT", "USR1", "USR2", "STOP", "CONT"},
	"--restart": restartPolicies,
	"--format":  exportFormats,
}

func candidates(cmds []*cli.Command, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur := words[len(words)-1]
	if len(words) == 1 {
		var names []string
		for _, c := range cmds {
			if !c.Hidden {
				names = append(names, c.Name)
			}
		}
		return withPrefix(names, cur)
	}
	var cmd *cli.Command
	for _, c := range cmds {
		if c.HasName(words[0]) {
			cmd = c
		}
	}
	if cmd == nil {
		return nil
	}
	if cmd.Name == "completion" {
		return withPrefix([]string{"bash", "fish", "zsh"}, cur)
	}
	if len(words) >= 3 {
		if vals := flagValues[longName(cmd, words[len(words)-2])]; vals != nil {
			return withPrefix(vals, cur)
		}
	}
	if strings.HasPrefix(cur, "-") {
		var out []string
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				out = append(out, dashed(n))
			}
		}
		return withPrefix(out, cur)
	}
	if takesTask[cmd.Name] {
		return withPrefix(taskWords(), cur)
	}
	if cmd.Name == "up" || cmd.Name == "down" {
		return withPrefix(serviceWords(), cur)
	}
	return nil
}

// serviceWords are the services of ./Procfile.
func serviceWords() []string {
	wd, err := os.Getwd()
	if err != nil {
		return nil
	}
	app, err := engine.LoadApp(engine.AppOptions{Wd: wd})
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range app.Services {
		out = append(out, s.Name)
	}
	return out
}

func longName(cmd *cli.Command, flag string) string {
	name := strings.TrimLeft(flag, "-")
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				return "--" + f.Names()[0]
			}
		}
	}
	return ""
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func withPrefix(all []string, prefix string) []string {
	var out []string
	for _, s := range all {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// taskWords are the short ids and names of the newest tasks.
func taskWords() []string {
	e, err := engine.Open(context.Background(), os.Getenv)
	if err != nil {
		return nil
	}
	defer e.Close()
	tasks, err := e.List(context.Background(), engine.Filter{Limit: 200})
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range tasks {
		for _, w := range []string{t.ShortID(), t.Name} {
			if w != "" && !seen[w] && !strings.ContainsAny(w, " \t\n") {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}
