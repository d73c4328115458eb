package monitor

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolveThroughPathExt(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o700)
	os.Mkdir(filepath.Join(bin, "folder"), 0o700)
	for _, f := range []string{"npm.cmd", "tool.exe", "notes.txt", "both.bat", "both.exe"} {
		os.WriteFile(filepath.Join(bin, f), nil, 0o600)
	}
	const pathExt = ".COM;.EXE;.BAT;.CMD"
	for _, tc := range []struct {
		argv0, path, want string
		err               error
	}{
		{"npm", bin, filepath.Join(bin, "npm.cmd"), nil},
		{"tool", bin, filepath.Join(bin, "tool.exe"), nil},
		{"tool.exe", bin, filepath.Join(bin, "tool.exe"), nil},
		{"TOOL", bin, filepath.Join(bin, "TOOL.exe"), nil},
		{"both", bin, filepath.Join(bin, "both.exe"), nil}, // PATHEXT's order
		{`bin\tool`, "", filepath.Join(dir, "bin", "tool.exe"), nil},
		{"./bin/npm", "", filepath.Join(dir, "bin", "npm.cmd"), nil},
		{"tool", "bin", filepath.Join(dir, "bin", "tool.exe"), nil}, // relative PATH entry, from cwd
		{"notes.txt", bin, "", ErrNotExecutable},
		{"folder", bin, "", ErrNotExecutable},
		{"missing", bin, "", ErrCommandNotFound},
		{"tool", "", "", ErrCommandNotFound}, // not looked for in cwd
		{"", bin, "", ErrCommandNotFound},
	} {
		got, err := resolveExt(tc.argv0, dir, tc.path, pathExt)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("resolve(%q, PATH=%q) = %q, %v; want %v", tc.argv0, tc.path, got, err, tc.err)
			}
			continue
		}
		if err != nil || !sameFile(got, tc.want) {
			t.Errorf("resolve(%q, PATH=%q) = %q, %v; want %q", tc.argv0, tc.path, got, err, tc.want)
		}
	}
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
