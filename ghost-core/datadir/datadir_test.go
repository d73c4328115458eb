//go:build unix

package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GHOST_DATA_DIR": "/g", "XDG_DATA_HOME": "/x", "HOME": "/h"}, "/g"},
		{map[string]string{"XDG_DATA_HOME": "/x", "HOME": "/h"}, "/x/ghost"},
		{map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/ghost"}, // XDG says: ignore relative paths
		{map[string]string{"HOME": "/h"}, "/h/.local/share/ghost"},
	} {
		got, err := Locate(func(k string) string { return tc.env[k] })
		if err != nil || got != tc.want {
			t.Errorf("Locate(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

func TestOpenMakesPrivateDirectories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "ghost")
	d, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.Path, d.LogDir()} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v", p, fi.Mode(), err)
		}
	}
}

func TestOpenRefusesUnsafeDirectories(t *testing.T) {
	open := filepath.Join(t.TempDir(), "open")
	os.Mkdir(open, 0o700)
	os.Chmod(open, 0o777)
	if _, err := Open(open); !errors.Is(err, ErrUnsafe) {
		t.Errorf("world-writable: %v, want ErrUnsafe", err)
	}
	if _, err := os.Stat(filepath.Join(open, "logs")); err == nil {
		t.Error("logs/ was created inside a refused directory")
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(file); err == nil {
		t.Error("a plain file was accepted as data directory")
	}
}

// A data directory that is a symlink (GNU stow) is followed, and its
// target checked as any data directory is.
func TestOpenFollowsASymlinkedDirectory(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "real")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	d, err := Open(link)
	if err != nil {
		t.Fatalf("Open(symlink): %v", err)
	}
	if d.Path != target {
		t.Errorf("Path = %s, want the target %s", d.Path, target)
	}
	if fi, err := os.Stat(d.LogDir()); err != nil || !fi.IsDir() {
		t.Errorf("no logs directory in the target: %v", err)
	}
	os.Chmod(target, 0o777)
	if _, err := Open(link); !errors.Is(err, ErrUnsafe) {
		t.Errorf("a symlink to a world-writable directory: %v, want ErrUnsafe", err)
	}
}
