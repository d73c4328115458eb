package engine

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const modulePrefix = "github.com/ghostproject/ghost/"

// door is what of ghost-core a binary may import: the engine, the task
// model and printable. A binary's package main may also import the
// monitor, to become one when re-executed (monitor.IsMonitor); the man
// page generators (internal/mangen, run by make, never part of a binary)
// may use the manpage and version packages.
var door = map[string]bool{"ghost-core/engine": true, "ghost-core/task": true, "ghost-core/printable": true}

// The engine is the binaries' one door into ghost-core, and ghost-core
// never reaches into a binary: checked on the source of every package
// (tests aside, which may set up what they check with any package).
func TestBinariesUseOnlyTheDoor(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range []string{"ghost-cli", "ghost-ui", "ghost-core"} {
		if _, err := os.Stat(filepath.Join(root, mod, "go.mod")); err != nil {
			t.Skipf("module %s is not beside ghost-core (%v): nothing to check", mod, err)
		}
	}
	checked := 0
	for _, mod := range []string{"ghost-cli", "ghost-ui", "ghost-core"} {
		err := filepath.WalkDir(filepath.Join(root, mod), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			test := strings.HasSuffix(path, "_test.go")
			if test && mod != "ghost-core" {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			rel, _ := filepath.Rel(root, path)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				inner, ok := strings.CutPrefix(p, modulePrefix)
				if !ok {
					continue
				}
				switch {
				case mod == "ghost-core" && !strings.HasPrefix(inner, "ghost-core/"):
					t.Errorf("%s: ghost-core imports a binary's package %s", rel, p)
				case mod != "ghost-core" && strings.HasPrefix(inner, "ghost-core/") && !door[inner] &&
					!(f.Name.Name == "main" && inner == "ghost-core/monitor") &&
					!(strings.Contains(filepath.ToSlash(rel), "/internal/mangen/") && (inner == "ghost-core/manpage" || inner == "ghost-core/version")):
					t.Errorf("%s: imports %s; a binary goes through ghost-core/engine (task and printable aside)", rel, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: the walk missed the modules", checked)
	}
}
