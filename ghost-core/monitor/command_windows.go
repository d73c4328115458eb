package monitor

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// defaultPathExt is what cmd.exe uses when PATHEXT is not set.
const defaultPathExt = ".COM;.EXE;.BAT;.CMD"

// resolve finds the file Windows would run for argv0 as cmd.exe does,
// minus the current directory (as Go's exec.LookPath): a name with a
// directory part is taken relative to cwd, a bare name is looked up on
// PATH, and where the name has no extension of PATHEXT's, each of them is
// tried in order, so `npm` finds npm.cmd. A file found with another
// extension (notes.txt) is not executable (126); nothing found is 127.
func resolve(argv0, cwd, pathEnv string) (string, error) {
	return resolveExt(argv0, cwd, pathEnv, os.Getenv("PATHEXT"))
}

func resolveExt(argv0, cwd, pathEnv, pathExt string) (string, error) {
	if argv0 == "" {
		return "", wrapf(ErrCommandNotFound, "empty command name")
	}
	exts := executableExts(pathExt)
	if strings.ContainsAny(argv0, `/\:`) {
		p := argv0
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		return findWithExt(argv0, p, exts)
	}
	var denied error
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			continue
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(cwd, dir)
		}
		p, err := findWithExt(argv0, filepath.Join(dir, argv0), exts)
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

func executableExts(pathExt string) []string {
	if pathExt == "" {
		pathExt = defaultPathExt
	}
	var exts []string
	for _, e := range strings.Split(strings.ToLower(pathExt), ";") {
		if e = strings.TrimSpace(e); e != "" {
			if e[0] != '.' {
				e = "." + e
			}
			exts = append(exts, e)
		}
	}
	return exts
}

// findWithExt tries path as given when its extension is an executable
// one, then path with each executable extension appended.
func findWithExt(name, path string, exts []string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	hasExt := false
	for _, e := range exts {
		if e == ext {
			hasExt = true
		}
	}
	if hasExt {
		return path, executableFile(name, path)
	}
	for _, e := range exts {
		if err := executableFile(name, path+e); err == nil {
			return path + e, nil
		}
	}
	// Nothing runnable: a file of that exact name is there but cannot run.
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return "", wrapf(ErrNotExecutable, "%s: is a directory", name)
		}
		return "", wrapf(ErrNotExecutable, "%s: not a program (its extension is not in PATHEXT)", name)
	}
	return "", wrapf(ErrCommandNotFound, "%s", name)
}

func executableFile(name, path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return wrapf(ErrCommandNotFound, "%s", name)
	}
	if err != nil {
		return wrapf(ErrNotExecutable, "%s", name)
	}
	if fi.IsDir() {
		return wrapf(ErrNotExecutable, "%s: is a directory", name)
	}
	return nil
}

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
