//go:build unix

package monitor

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// resolve finds the file to execute for argv0 as a shell would: a name
// with a slash is a path (relative to cwd); a bare name is searched in the
// task's own PATH. A match that exists but cannot be executed is remembered
// and reported as such if nothing better turns up (sh's 126 versus 127).
func resolve(argv0, cwd, pathEnv string) (string, error) {
	if argv0 == "" {
		return "", wrapf(ErrCommandNotFound, "empty command name")
	}
	if strings.Contains(argv0, "/") {
		p := argv0
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		return p, executableFile(argv0, p)
	}
	var denied error
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(cwd, dir)
		}
		p := filepath.Join(dir, argv0)
		err := executableFile(argv0, p)
		if err == nil {
			return p, nil
		}
		if errors.Is(err, ErrNotExecutable) && denied == nil {
			denied = err
		}
	}
	if denied != nil {
		return "", denied
	}
	return "", wrapf(ErrCommandNotFound, "%s", argv0)
}

func executableFile(name, path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
		return wrapf(ErrCommandNotFound, "%s", name)
	}
	if err != nil {
		return wrapf(ErrNotExecutable, "%s", name)
	}
	if fi.IsDir() {
		return wrapf(ErrNotExecutable, "%s: is a directory", name)
	}
	if unix.Access(path, unix.X_OK) != nil || fi.Mode()&0o111 == 0 {
		return wrapf(ErrNotExecutable, "%s", name)
	}
	return nil
}

// checkCwd reports a missing or unusable working directory.
func checkCwd(cwd string) error {
	fi, err := os.Stat(cwd)
	if err != nil {
		return wrapf(ErrNoCwd, "%s", cwd)
	}
	if !fi.IsDir() {
		return wrapf(ErrNoCwd, "%s: not a directory", cwd)
	}
	return nil
}
