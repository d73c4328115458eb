package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/version"
)

// TestPlainBuildNamesAndVersions builds each binary as a packager does, in
// a fresh clone with `GOWORK=off go build ./cmd/...` and no flags, and checks
// the binary's name and that --version reports the release and the commit
// (from Go's build stamp, which a worktree does not get: hence the clone).
func TestPlainBuildNamesAndVersions(t *testing.T) {
	t.Parallel() // it waits on go build: let the others run meanwhile
	if testing.Short() {
		t.Skip("builds both binaries from a clone; skipped in -short")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git: cannot clone the repository to build from")
	}
	top, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git checkout (a source tarball?): nothing to clone")
	}
	clone := filepath.Join(t.TempDir(), "ghost")
	if out, err := exec.Command(git, "clone", "--quiet", "--no-hardlinks", strings.TrimSpace(string(top)), clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	head, err := exec.Command(git, "-C", clone, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	commit := strings.TrimSpace(string(head))[:12]
	for _, b := range []struct{ module, pkg, name string }{
		{"ghost-cli", "./cmd/ghost", "ghost"},
		{"ghost-ui", "./cmd/ghost-ui", "ghost-ui"},
	} {
		dir := filepath.Join(clone, b.module)
		build := exec.Command("go", "build", b.pkg)
		build.Dir = dir
		// The machine's own GOFLAGS may turn the stamp off; a packager's
		// build has the default.
		build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=auto")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("%s: go build %s: %v\n%s", b.module, b.pkg, err, out)
		}
		out, err := exec.Command(filepath.Join(dir, b.name), "--version").Output()
		if err != nil {
			t.Fatalf("%s --version: %v", b.name, err)
		}
		want := `^` + regexp.QuoteMeta(b.name) + ` version ` + regexp.QuoteMeta(version.Release) +
			` \(commit ` + commit + `, go\S+ \w+/\w+\)\n$`
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("%s --version printed %q, want it to match %s", b.name, out, want)
		}
	}
}
