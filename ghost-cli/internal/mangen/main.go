// Command mangen writes ghost(1) from the command line's own definitions
// (the command table of internal/command), so the page lists every
// command and flag the binary has. It is run by `make man` and, with
// -check, by `make lint`; it is not part of the ghost binary.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-cli/internal/command"
	"github.com/ghostproject/ghost/ghost-core/manpage"
	"github.com/ghostproject/ghost/ghost-core/version"
)

func main() {
	out := flag.String("o", "ghost.1", "the page to write")
	check := flag.Bool("check", false, "only check that the page is up to date")
	flag.Parse()
	err := page(command.Describe()).Update(*out, *check)
	if errors.Is(err, manpage.ErrStale) {
		fmt.Fprintf(os.Stderr, "mangen: %v: the commands or flags changed; run: make man, and commit the page\n", err)
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}

// page renders ghost(1).
func page(ref command.Reference) *manpage.Page {
	p := manpage.New("ghost", 1, "ghost "+version.Release, "User Commands")
	p.Section("name")
	p.Raw(`ghost \- ` + manpage.Escape(ref.App.Usage))

	p.Section("synopsis")
	p.Raw(manpage.Bold("ghost")+" "+manpage.Italic("command")+" ["+manpage.Italic("flags")+"] ["+manpage.Italic("arguments")+"]",
		".br",
		manpage.Bold("ghost")+" "+manpage.Bold("--version"),
		".br",
		manpage.Bold("ghost")+" ["+manpage.Italic("command")+"] "+manpage.Bold("--help"))

	p.Section("description")
	p.Para("ghost runs any command in the background and manages it afterwards: " +
		"start it and get an id at once, list what runs and what ended (with the real exit code), " +
		"read or follow its output, stop it gracefully, restart it.")
	p.Para("There is no daemon and no socket. Every ghost command is one short process; " +
		"the state lives in one SQLite file and the output in log files. " +
		"Each task gets a monitor, a re-execution of the ghost binary that starts the command, " +
		"writes its output to the log, waits for it and records how it ended; " +
		"it lives exactly as long as its task.")
	p.Para("A TASK argument is a task's id, a unique prefix of it, or its name. " +
		"Flags may follow the arguments (ghost log web -f), except for run, " +
		"where everything after the command belongs to the command. " +
		"Data goes to standard output, messages to standard error as \"ghost: what: why\". " +
		"Text from commands and logs is shown with control characters escaped, " +
		"except by log, which prints the output byte for byte.")

	p.Section("commands")
	for _, c := range ref.App.VisibleCommands() {
		writeCommand(p, "ghost", c)
	}

	p.Section("options")
	p.Item(manpage.Bold("-h")+", "+manpage.Bold("--help"), "Show help, for ghost or for a command.")
	p.Item(manpage.Bold("-v")+", "+manpage.Bold("--version"), "Print the release, the commit and the Go version.")

	p.Section("exit status")
	for _, e := range ref.ExitCodes {
		p.Item(manpage.Bold(e.Name), manpage.Sentence(e.Text))
	}

	p.Section("environment")
	for _, e := range ref.Environment {
		p.Item(manpage.Bold(e.Name), manpage.Sentence(e.Text))
	}

	p.Section("files")
	for _, e := range ref.Files {
		p.Item(manpage.Italic(e.Name), manpage.Sentence(e.Text))
	}

	p.Section("examples")
	p.Example(
		`id=$(ghost run -- ./long-job.sh --verbose)`,
		`ghost list`,
		`ghost log "$id" -f`,
		`ghost stop "$id"`,
		`ghost run -n web --ready-port 8000 python3 -m http.server 8000`,
		`ghost status web --json`,
	)

	p.Section("see also")
	p.Raw(manpage.Bold("ghost-ui") + "(1), " + manpage.Bold("systemd.service") + "(5), " + manpage.Bold("launchd.plist") + "(5)")
	return p
}

// writeCommand writes one command, its flags and its subcommands.
func writeCommand(p *manpage.Page, parent string, c *cli.Command) {
	full := parent + " " + c.Name
	title := manpage.Bold(full)
	if len(c.VisibleFlags()) > 0 {
		title += " [" + manpage.Italic("flags") + "]"
	}
	if c.ArgsUsage != "" {
		title += " " + argsMarkup(c.ArgsUsage)
	}
	p.Subsection(title)
	p.Para(manpage.Sentence(c.Usage))
	if len(c.Aliases) > 0 {
		p.Para("Also: " + strings.Join(c.Aliases, ", ") + ".")
	}
	if c.Description != "" {
		writeDescription(p, c.Description)
	}
	for _, f := range c.VisibleFlags() {
		writeFlag(p, f)
	}
	for _, sub := range c.VisibleCommands() {
		writeCommand(p, full, sub)
	}
}

// writeDescription writes a command's description: paragraphs of prose,
// and indented lines (examples) kept as they are.
func writeDescription(p *manpage.Page, d string) {
	var prose []string
	var example []string
	flush := func() {
		if len(prose) > 0 {
			p.Para(strings.Join(prose, " "))
			prose = nil
		}
		if len(example) > 0 {
			p.Example(example...)
			example = nil
		}
	}
	for _, l := range strings.Split(d, "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			flush()
		case l[0] == ' ' || l[0] == '\t':
			if len(prose) > 0 {
				flush()
			}
			example = append(example, strings.TrimSpace(l))
		default:
			if len(example) > 0 {
				flush()
			}
			prose = append(prose, strings.TrimSpace(l))
		}
	}
	flush()
}

// writeFlag writes one flag: its names, its value's placeholder, what it
// does and its default.
func writeFlag(p *manpage.Page, f cli.Flag) {
	// Short names first, as man pages list them.
	var short, long []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			short = append(short, manpage.Bold("-"+n))
		} else {
			long = append(long, manpage.Bold("--"+n))
		}
	}
	tag := strings.Join(append(short, long...), ", ")
	usage := ""
	if d, ok := f.(cli.DocGenerationFlag); ok {
		placeholder, text := unquoteUsage(d.GetUsage())
		usage = text
		if d.TakesValue() {
			if placeholder == "" {
				placeholder = strings.ToUpper(f.Names()[0])
			}
			tag += " " + manpage.Italic(placeholder)
		}
		def := d.GetDefaultText()
		if def == "" && d.TakesValue() {
			def = d.GetValue()
		}
		if def != "" && def != `""` && def != "0" && d.TakesValue() {
			usage += " (default: " + strings.Trim(def, `"`) + ")"
		}
	}
	p.Item(tag, manpage.Sentence(usage))
}

// unquoteUsage splits a flag's usage into the placeholder named between
// backquotes and the text without them, as --help shows it.
func unquoteUsage(usage string) (string, string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name := usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+2+j:]
}

// argsMarkup sets a command's argument synopsis: upper-case words are
// placeholders, in italics.
func argsMarkup(args string) string {
	var out []string
	for _, w := range strings.Fields(args) {
		core := strings.Trim(w, "[].|")
		if core != "" && core == strings.ToUpper(core) && strings.ToLower(core) != core {
			out = append(out, strings.Replace(manpage.Escape(w), manpage.Escape(core), manpage.Italic(core), 1))
		} else {
			out = append(out, manpage.Escape(w))
		}
	}
	return strings.Join(out, " ")
}
