//go:build unix

package datadir

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// defaultDir is $XDG_DATA_HOME/ghost, else ~/.local/share/ghost (XDG says
// to ignore a relative $XDG_DATA_HOME).
func defaultDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ghost"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding home directory: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "ghost"), nil
}

// mkdirPrivate makes a directory only its owner can enter. Mkdir honours
// the umask only by removing bits, so 0700 stays 0700.
func mkdirPrivate(path string) error { return os.Mkdir(path, 0o700) }

func check(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("checking data directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: %w: not a directory", path, ErrUnsafe)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%s: %w: writable by others (mode %04o); run chmod 700 on it", path, ErrUnsafe, fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s: %w: owned by uid %d, not by you", path, ErrUnsafe, st.Uid)
	}
	if err := syscall.Access(path, 0x2|0x1); err != nil { // W_OK|X_OK
		return fmt.Errorf("%s: %w", path, &os.PathError{Op: "write", Path: path, Err: err})
	}
	return nil
}

// OpenFile opens a file in the data directory the way ghost keeps its
// files: never through a symlink someone planted in its place, created
// 0600.
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NOFOLLOW, perm)
}
