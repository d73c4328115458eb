// Package procfile reads Procfiles, the format foreman made common: one
// `name: command` a line naming the processes of an app. It parses only;
// starting the services is the engine's job.
package procfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Service is one line of a Procfile.
type Service struct {
	// Name is the service's name: letters, digits, '-' and '_'.
	Name string
	// Command is the shell command line, run through `sh -c`.
	Command string
	// Line is the line of the file it was read from, counting from 1.
	Line int
}

// Reasons a Procfile is refused; a *SyntaxError wraps one of them.
var (
	// ErrNoColon means a line is not of the form `name: command`.
	ErrNoColon = errors.New(`want "name: command"`)
	// ErrBadName means a service name holds other characters than letters,
	// digits, '-' and '_'.
	ErrBadName = errors.New("invalid service name")
	// ErrDuplicate means two lines name the same service.
	ErrDuplicate = errors.New("duplicate service")
	// ErrEmptyCommand means a service has no command.
	ErrEmptyCommand = errors.New("empty command")
	// ErrNoServices means the file names no service at all.
	ErrNoServices = errors.New("no services")
)

// SyntaxError names the file and line a Procfile was refused at.
type SyntaxError struct {
	// File is the file's name as the caller gave it.
	File string
	// Line counts from 1; 0 when the error is about the whole file.
	Line int
	// Err is one of the Err* reasons, wrapped with details.
	Err error
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the reason.
func (e *SyntaxError) Unwrap() error { return e.Err }

// maxLine bounds one line: a command longer than this is not a Procfile's.
const maxLine = 1 << 20

// Parse reads a Procfile. Blank lines and lines starting with '#' are
// skipped; every other line must be `name: command`. The whole file is
// checked before anything is returned, so a caller never starts half an
// app: the first bad line is the error, naming file (as given) and line.
func Parse(r io.Reader, file string) ([]Service, error) {
	var out []Service
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(err error) ([]Service, error) {
			return nil, &SyntaxError{File: file, Line: n, Err: err}
		}
		name, command, ok := strings.Cut(line, ":")
		name, command = strings.TrimSpace(name), strings.TrimSpace(command)
		switch {
		case !ok:
			return fail(ErrNoColon)
		case name == "":
			return fail(fmt.Errorf("%w: a line needs a name before ':'", ErrBadName))
		case !ValidName(name):
			return fail(fmt.Errorf("%w %q: use letters, digits, '-' and '_'", ErrBadName, name))
		case command == "":
			return fail(fmt.Errorf("%w for service %q", ErrEmptyCommand, name))
		case strings.ContainsRune(command, 0):
			return fail(fmt.Errorf("command of service %q holds a NUL byte", name))
		}
		if first, dup := seen[name]; dup {
			return fail(fmt.Errorf("%w %q (first on line %d)", ErrDuplicate, name, first))
		}
		seen[name] = n
		out = append(out, Service{Name: name, Command: command, Line: n})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &SyntaxError{File: file, Line: n + 1, Err: fmt.Errorf("line longer than %d bytes", maxLine)}
		}
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if len(out) == 0 {
		return nil, &SyntaxError{File: file, Err: ErrNoServices}
	}
	return out, nil
}

// ValidName reports whether name can name a service: one or more letters,
// digits, '-' and '_'.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
