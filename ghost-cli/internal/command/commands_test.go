package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command in the table is named once, documented, and reachable.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands() {
		for _, n := range c.Names() {
			if seen[n] {
				t.Errorf("name %q used twice", n)
			}
			seen[n] = true
		}
		if c.Usage == "" && !c.Hidden {
			t.Errorf("%s has no usage line", c.Name)
		}
		if c.Action == nil {
			t.Errorf("%s has no action", c.Name)
		}
	}
}

// usageCase runs ghost in-process with a data directory that must stay
// untouched, and checks for exit 2 and one message on stderr.
func usageCase(t *testing.T, want string, args ...string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("GHOST_DATA_DIR", dir)
	var out, errOut bytes.Buffer
	code := Main(append([]string{"ghost"}, args...), &out, &errOut)
	if code != exitUsage || !strings.Contains(errOut.String(), want) || out.Len() > 0 {
		t.Errorf("ghost %q: exit %d, stdout %q, stderr %q; want exit 2 and %q", args, code, out.String(), errOut.String(), want)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("ghost %q created the data directory", args)
	}
}
