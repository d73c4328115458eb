package command

import (
	"strings"

	"github.com/urfave/cli/v2"
)

func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Usage:     "show the commands, or one command's options",
		ArgsUsage: "[COMMAND]",
		Action:    help,
	}
}

func help(c *cli.Context) error {
	if err := needArgs(c, 0, 1, "COMMAND"); err != nil {
		return err
	}
	name := c.Args().First()
	if name == "" {
		return cli.ShowAppHelp(c)
	}
	if c.App.Command(name) == nil {
		return usageError("help", "%s: no such command", name)
	}
	// The app's context, not help's own: help has no subcommands.
	return cli.ShowCommandHelp(c.Lineage()[1], name)
}

// usageWidth is where a flag's description wraps: the option column is
// at most about 28 columns wide, so a help line stays within 80.
const usageWidth = 50

// flagString shows a flag on one line or a few, as `-n, --name NAME` and
// its description with its default, wrapped to stay within 80 columns.
// urfave/cli's own lists slice flags twice over (`--env KEY=VALUE, -e
// KEY=VALUE [ --env KEY=VALUE, -e KEY=VALUE ]`), which made run's option
// column 65 wide, and adds `(default: 0)` to flags whose default is a
// setting elsewhere.
func flagString(f cli.Flag) string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return strings.Join(f.Names(), ", ")
	}
	placeholder, usage := unquoteUsage(df.GetUsage())
	if df.TakesValue() && placeholder == "" {
		placeholder = "VALUE"
	}
	var short, long []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			short = append(short, "-"+n)
		} else {
			long = append(long, "--"+n)
		}
	}
	left := strings.Join(append(short, long...), ", ")
	if df.TakesValue() {
		left += " " + placeholder
	}
	if def := defaultText(df); def != "" {
		usage += " (default " + def + ")"
	}
	return left + "\t" + strings.Join(wrapWords(usage, usageWidth), "\n\t")
}

// unquoteUsage takes the placeholder out of a usage text, where it is
// marked `LIKE THIS` (urfave/cli's convention), and returns both.
func unquoteUsage(usage string) (string, string) {
	before, rest, ok := strings.Cut(usage, "`")
	if !ok {
		return "", usage
	}
	name, after, ok := strings.Cut(rest, "`")
	if !ok {
		return "", usage
	}
	return name, before + name + after
}

// defaultText is the default worth showing: none for a flag that only
// switches something on, or whose zero value means "not set".
func defaultText(f cli.DocGenerationFlag) string {
	if !f.TakesValue() {
		return ""
	}
	def := strings.Trim(f.GetDefaultText(), `"`)
	if _, isInt := f.(*cli.IntFlag); isInt && def == "0" {
		return ""
	}
	return def
}

// wrapWords splits s into lines of at most width bytes, at spaces.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
