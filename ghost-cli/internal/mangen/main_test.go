package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// TestEveryVariableDocumented reads the sources of ghost-cli and ghost-core
// for the environment variables they look up and checks that the page's
// ENVIRONMENT names each: a variable added to the code without a line in
// command.Describe fails here.
func TestEveryVariableDocumented(t *testing.T) {
	documented := map[string]bool{}
	for _, e := range command.Describe().Environment {
		documented[e.Name] = true
	}
	lookup := regexp.MustCompile(`(?:Getenv|getenv|LookupEnv)\("([A-Z_][A-Z0-9_]*)"\)`)
	found := 0
	for _, root := range []string{"../..", "../../../ghost-core"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "mangen" || d.Name() == "manpage") {
				return filepath.SkipDir
			}
			// The page is for Unix-like systems: Windows' own variables
			// (LOCALAPPDATA, PATHEXT) are not its business.
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_windows.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range lookup.FindAllSubmatch(src, -1) {
				found++
				if !documented[string(m[1])] {
					t.Errorf("%s reads $%s, which ghost(1) does not document (command.Describe)", path, m[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found == 0 {
		t.Fatal("found no environment lookups at all: the source walk is broken")
	}
}
