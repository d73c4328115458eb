// Package datadir finds and guards the directory where ghost keeps its state:
// the task database and the log files. It does not open either of them.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrUnsafe reports a data directory that others could read or write, or
// that another user owns: ghost refuses to keep task output and environments
// there.
var ErrUnsafe = errors.New("unsafe data directory")

// Dir is a data directory that exists and has been checked.
type Dir struct {
	// Path is the absolute path of the directory.
	Path string
}

// Locate returns the data directory named by the environment, without
// creating it: $GHOST_DATA_DIR, else the platform's place for a user's
// machine-local data: $XDG_DATA_HOME/ghost, else ~/.local/share/ghost on
// Unix; %LOCALAPPDATA%\ghost on Windows.
func Locate(getenv func(string) string) (string, error) {
	if d := getenv("GHOST_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	return defaultDir(getenv)
}

// Open creates the directory and its logs/ subdirectory when missing (mode
// 0700; on Windows, an ACL that lets in only the user) and refuses one that
// is unsafe.
func Open(path string) (Dir, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Dir{}, fmt.Errorf("resolving data directory: %w", err)
	}
	if abs, err = followLink(abs); err != nil {
		return Dir{}, err
	}
	d := Dir{Path: abs}
	for _, p := range []string{abs, d.LogDir(), d.ExitDir()} {
		if err := ensure(p); err != nil {
			return Dir{}, err
		}
	}
	return d, nil
}

// followLink resolves a data directory that is a symlink (GNU stow, a
// dotfiles checkout), so that its target is what gets checked and used.
// Only the directory itself is followed: its contents must be what they
// say.
func followLink(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return path, nil // missing (created below) or not a link
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("resolving data directory %s: %w", path, err)
	}
	return target, nil
}

// DatabasePath is the path of the task database.
func (d Dir) DatabasePath() string { return filepath.Join(d.Path, "tasks.db") }

// LogDir is the directory holding every task's log files.
func (d Dir) LogDir() string { return filepath.Join(d.Path, "logs") }

// ExitDir holds the monitors' exit records. It is apart from the logs so
// that waiting for a task's end watches a quiet directory, not one that
// changes with every line of output.
func (d Dir) ExitDir() string { return filepath.Join(d.Path, "exits") }

func ensure(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	if err := mkdirPrivate(path); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating data directory: %w", err)
	}
	// A directory that already existed is checked rather than silently
	// fixed.
	return check(path)
}
