package main

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ghostproject/ghost/ghost-cli/internal/command"
	"github.com/ghostproject/ghost/ghost-core/manpage"
)

// TestEveryCommandAndFlag checks that the page names every visible
// command and every flag of each, as --help does.
func TestEveryCommandAndFlag(t *testing.T) {
	ref := command.Describe()
	page := string(page(ref).Bytes("2001-02-03"))
	var walk func(parent string, cmds []*cli.Command)
	walk = func(parent string, cmds []*cli.Command) {
		for _, c := range cmds {
			full := parent + " " + c.Name
			if !strings.Contains(page, ".SS "+manpage.Bold(full)) {
				t.Errorf("no section for %q", full)
			}
			for _, f := range c.VisibleFlags() {
				for _, n := range f.Names() {
					dashed := "--" + n
					if len(n) == 1 {
						dashed = "-" + n
					}
					if !strings.Contains(page, manpage.Bold(dashed)) {
						t.Errorf("%s: flag %s missing", full, dashed)
					}
				}
			}
			walk(full, c.VisibleCommands())
		}
	}
	walk("ghost", ref.App.VisibleCommands())
	for _, c := range ref.App.Commands {
		if c.Hidden && strings.Contains(page, manpage.Bold("ghost "+c.Name)) {
			t.Errorf("hidden command %q is in the page", c.Name)
		}
	}
	for _, e := range ref.ExitCodes {
		if !strings.Contains(page, manpage.Bold(e.Name)) {
			t.Errorf("exit status %s missing", e.Name)
		}
	}
}

func TestUnquoteUsage(t *testing.T) {
	name, text := unquoteUsage("keep at most `N` files")
	if name != "N" || text != "keep at most N files" {
		t.Errorf("got %q, %q", name, text)
	}
	if name, text := unquoteUsage("plain"); name != "" || text != "plain" {
		t.Errorf("got %q, %q", name, text)
	}
}
