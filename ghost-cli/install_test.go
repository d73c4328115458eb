package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// TestMakeInstallLayout builds with make into a temporary BUILDDIR, runs
// make install with DESTDIR and PREFIX as a packager does, and lists what
// it laid out: every file, its mode, and that the installed ghost runs.
// Then make uninstall must remove every file, and install-ghost-ui from a
// build directory without ghost-ui must refuse rather than build.
func TestMakeInstallLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both binaries with make; skipped in -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("make install is for Unix-like systems")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("no make: cannot run make install")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	build, stage := filepath.Join(tmp, "bin"), filepath.Join(tmp, "stage")
	makeIn := func(args ...string) (string, error) {
		cmd := exec.Command(mk, append([]string{"-C", root, "--no-print-directory", "BUILDDIR=" + build}, args...)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := makeIn("build"); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	if out, err := makeIn("install", "DESTDIR="+stage, "PREFIX=/usr"); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	want := map[string]fs.FileMode{
		"usr/bin/ghost":                                  0o755,
		"usr/bin/ghost-ui":                               0o755,
		"usr/share/man/man1/ghost.1":                     0o644,
		"usr/share/man/man1/ghost-ui.1":                  0o644,
		"usr/share/bash-completion/completions/ghost":    0o644,
		"usr/share/zsh/site-functions/_ghost":            0o644,
		"usr/share/fish/vendor_completions.d/ghost.fish": 0o644,
	}
	got := installedFiles(t, stage)
	if strings.Join(sortedNames(got), "\n") != strings.Join(sortedNames(want), "\n") {
		t.Fatalf("installed files:\n%s\nwant:\n%s", strings.Join(sortedNames(got), "\n"), strings.Join(sortedNames(want), "\n"))
	}
	for f, mode := range want {
		if got[f] != mode {
			t.Errorf("%s: mode %v, want %v", f, got[f], mode)
		}
	}
	ghost := filepath.Join(stage, "usr/bin/ghost")
	if out, err := exec.Command(ghost, "--version").Output(); err != nil || !strings.HasPrefix(string(out), "ghost version ") {
		t.Errorf("installed ghost --version: %v, %q", err, out)
	}
	for shell, path := range map[string]string{
		"bash": "usr/share/bash-completion/completions/ghost",
		"zsh":  "usr/share/zsh/site-functions/_ghost",
		"fish": "usr/share/fish/vendor_completions.d/ghost.fish",
	} {
		script, err := exec.Command(ghost, "completion", shell).Output()
		if err != nil {
			t.Fatal(err)
		}
		if installed, _ := os.ReadFile(filepath.Join(stage, path)); string(installed) != string(script) {
			t.Errorf("%s is not what ghost completion %s prints", path, shell)
		}
	}

	if out, err := makeIn("uninstall", "DESTDIR="+stage, "PREFIX=/usr"); err != nil {
		t.Fatalf("make uninstall: %v\n%s", err, out)
	}
	if left := installedFiles(t, stage); len(left) > 0 {
		t.Errorf("make uninstall left: %v", sortedNames(left))
	}

	// Installing never builds: with ghost-ui missing it says to build.
	if err := os.Remove(filepath.Join(build, "ghost-ui")); err != nil {
		t.Fatal(err)
	}
	out, err := makeIn("install-ghost-ui", "DESTDIR="+stage, "PREFIX=/usr")
	if err == nil || !strings.Contains(out, "run make build first") {
		t.Errorf("install-ghost-ui without a build: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(build, "ghost-ui")); err == nil {
		t.Errorf("install-ghost-ui built ghost-ui")
	}
}

// installedFiles maps every regular file under dir to its permission bits.
func installedFiles(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	files := map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = info.Mode().Perm()
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

func sortedNames[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
