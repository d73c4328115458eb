// Command mangen writes ghost-ui(1), its keys taken from the help view's
// own text. It is run by `make man` and, with -check, by `make lint`; it
// is not part of the ghost-ui binary.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/manpage"
	"github.com/ghostproject/ghost/ghost-core/version"
	"github.com/ghostproject/ghost/ghost-ui/internal/tui"
)

func main() {
	out := flag.String("o", "ghost-ui.1", "the page to write")
	check := flag.Bool("check", false, "only check that the page is up to date")
	flag.Parse()
	keys, err := parseKeys(tui.KeyHelp())
	if err == nil {
		err = page(keys).Update(*out, *check)
	}
	if errors.Is(err, manpage.ErrStale) {
		fmt.Fprintf(os.Stderr, "mangen: %v: the keys changed; run: make man, and commit the page\n", err)
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mangen: %v\n", err)
		os.Exit(1)
	}
}

// key is one line of the help view.
type key struct{ keys, does string }

var (
	keyLine = regexp.MustCompile(`^\s*(\S.*?)\s{3,}(\S.*)$`)
	// multiSpace parts the alternatives in a key column ("Tab  l").
	multiSpace = regexp.MustCompile(`\s{2,}`)
)

// parseKeys reads the help view's lines; a line it cannot read is an
// error, so a change of layout cannot silently drop keys from the page.
func parseKeys(help string) ([]key, error) {
	var keys []key
	for _, l := range strings.Split(help, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m := keyLine.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("help line %q: want the keys, three spaces or more, what they do", l)
		}
		keys = append(keys, key{m[1], m[2]})
	}
	if len(keys) == 0 {
		return nil, errors.New("the help view lists no keys")
	}
	return keys, nil
}

// page renders ghost-ui(1).
func page(keys []key) *manpage.Page {
	p := manpage.New("ghost-ui", 1, "ghost "+version.Release, "User Commands")
	p.Section("name")
	p.Raw(`ghost\-ui \- terminal view of the tasks ghost runs`)

	p.Section("synopsis")
	p.Raw(manpage.Bold("ghost-ui"), ".br",
		manpage.Bold("ghost-ui")+" "+manpage.Bold("--version"), ".br",
		manpage.Bold("ghost-ui")+" "+manpage.Bold("--help"))

	p.Section("description")
	p.Markup(manpage.Bold("ghost-ui") + " " + manpage.Escape("(or ") + manpage.Bold("ghost ui") + manpage.Escape(
		") is a full-screen view of every task that ghost runs, updating itself: "+
			"what runs, what ended and how, and the live output of the task you pick, "+
			"with keys to stop, kill, restart or remove it."))
	p.Para("It is a separate binary that shares only the data directory with ghost. " +
		"It reacts to changes in the database and the log directory instead of polling, " +
		"and shows text from commands and logs with control characters escaped. " +
		"Quitting leaves every task running.")

	p.Section("keys")
	for _, k := range keys {
		p.Item(manpage.Bold(strings.Join(multiSpace.Split(k.keys, -1), ", ")), manpage.Sentence(k.does))
	}

	p.Section("options")
	p.Item(manpage.Bold("-h")+", "+manpage.Bold("--help"), "Show a short help and exit.")
	p.Item(manpage.Bold("-v")+", "+manpage.Bold("--version"), "Print the release, the commit and the Go version.")

	p.Section("exit status")
	p.Item(manpage.Bold("0"), "The view was closed.")
	p.Item(manpage.Bold("1"), "The data directory could not be opened, or the terminal failed.")
	p.Item(manpage.Bold("2"), "An unknown argument.")

	p.Section("environment")
	p.Item(manpage.Bold("GHOST_DATA_DIR"), "The data directory (default: $XDG_DATA_HOME/ghost, else ~/.local/share/ghost).")
	p.Item(manpage.Bold("XDG_DATA_HOME"), "Where the data directory is when GHOST_DATA_DIR is not set.")

	p.Section("files")
	p.Item(manpage.Italic("$GHOST_DATA_DIR/tasks.db"), "The task database that ghost writes.")
	p.Item(manpage.Italic("$GHOST_DATA_DIR/logs/"), "The tasks' output.")

	p.Section("see also")
	p.Raw(manpage.Bold("ghost") + "(1)")
	return p
}
