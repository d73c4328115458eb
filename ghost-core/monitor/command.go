//go:build unix

package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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

// checkCwd reports a missing or unusable working directory: one that is
// not there (ErrNoCwd) apart from one the user may not enter
// (ErrCwdDenied), which the exec would otherwise report as the command's
// own "permission denied".
func checkCwd(cwd string) error {
	fi, err := os.Stat(cwd)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR):
		return wrapf(ErrNoCwd, "%s", cwd)
	case err != nil:
		return wrapf(ErrCwdDenied, "%s", cwd)
	case !fi.IsDir():
		return wrapf(ErrNoCwd, "%s: not a directory", cwd)
	}
	if unix.Access(cwd, unix.X_OK) != nil {
		return wrapf(ErrCwdDenied, "%s", cwd)
	}
	return nil
}

// forkExec starts path as a shell would: a file the kernel cannot execute
// (ENOEXEC: a script without #!) is run by /bin/sh, as POSIX shells and
// execvp do, unless it looks binary.
func forkExec(path string, argv []string, attr *syscall.ProcAttr) (int, error) {
	pid, err := syscall.ForkExec(path, argv, attr)
	if !errors.Is(err, syscall.ENOEXEC) || looksBinary(path) {
		return pid, err
	}
	return syscall.ForkExec("/bin/sh", append([]string{"sh", path}, argv[1:]...), attr)
}

// looksBinary reports whether a file starts like a program rather than a
// script: a NUL in its first bytes (bash's test).
func looksBinary(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	var head [80]byte
	n, _ := f.Read(head[:])
	return bytes.IndexByte(head[:n], 0) >= 0
}

// classifyExecError says why the exec of path (argv0 name) failed, as a
// shell would: not found (127), or there but not executable (126), which
// includes a script whose #! interpreter is missing (the kernel says
// ENOENT for the interpreter, not for the script).
func classifyExecError(name, path string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT):
		if interp := interpreter(path); interp != "" {
			return explainf(ErrNotExecutable, "%s: %s: bad interpreter: no such file or directory", name, interp)
		}
		return wrapf(ErrCommandNotFound, "%s", name)
	case errors.Is(err, syscall.ENOEXEC):
		return explainf(ErrNotExecutable, "%s: cannot execute binary file", name)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EISDIR):
		return wrapf(ErrNotExecutable, "%s", name)
	}
	return fmt.Errorf("starting %s: %w", name, err)
}

// interpreter is the program a script's #! line names, if path is such a
// script.
func interpreter(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var head [256]byte
	n, _ := f.Read(head[:])
	line, ok := bytes.CutPrefix(head[:n], []byte("#!"))
	if !ok {
		return ""
	}
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}
