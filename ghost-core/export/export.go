// Package export writes what ghost runs as definitions for service
// managers that outlive one machine's background tasks: a systemd user
// unit, a launchd agent, a Nomad job. It renders text only; which task,
// which environment and which secrets go in is the caller's choice.
package export

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Formats are the names Render accepts, in the order help lists them.
var Formats = []string{"systemd", "launchd", "nomad"}

// ErrFormat reports a format Render does not know.
var ErrFormat = errors.New("unknown format")

// ErrEmpty reports a service without a command.
var ErrEmpty = errors.New("no command to run")

// The restart modes of a Policy, as ghost's --restart names them.
const (
	RestartNo        = "no"
	RestartOnFailure = "on-failure"
	RestartAlways    = "always"
)

// Policy says when the service manager starts the command again.
type Policy struct {
	// Mode is RestartNo, RestartOnFailure or RestartAlways; empty is
	// RestartNo.
	Mode string
	// Delay is the wait before a restart; 0 leaves the manager's default.
	Delay time.Duration
	// Burst is how many starts Window allows before the manager gives up;
	// 0 leaves the manager's default, Unlimited never gives up.
	Burst int
	// Window is the span Burst counts starts in.
	Window time.Duration
}

// Unlimited is a Burst without bound: the manager restarts for ever.
const Unlimited = -1

func (p Policy) mode() string {
	if p.Mode == "" {
		return RestartNo
	}
	return p.Mode
}

// Var is one environment variable.
type Var struct {
	Key, Value string
}

// Service is one command as a service manager should run it.
type Service struct {
	// Name names the service (a task's name or short id; a project's
	// service name).
	Name string
	// Origin says where it came from, for the header comment: "task
	// 3f6c2a9e (web)".
	Origin string
	// Command is the program and its arguments; the program should be an
	// absolute path, as every manager wants one.
	Command []string
	// Dir is the working directory.
	Dir string
	// Env is the environment, sorted by key.
	Env []Var
	// Restart is the restart policy.
	Restart Policy
	// ReadyPort, if not 0, is the TCP port the service listens on once it
	// is ready.
	ReadyPort int
	// ReadyTimeout bounds the wait for ReadyPort; 0 leaves the default.
	ReadyTimeout time.Duration
	// Home is the user's home directory, where launchd agents log; empty
	// when unknown.
	Home string
}

// Set is what one export renders: one service, or the services of a
// project started by `ghost up`.
type Set struct {
	// Project names the project; empty for a single task.
	Project string
	// Services are the services, in order.
	Services []Service
}

// File is one rendered definition.
type File struct {
	// Name is the file name the manager expects (ghost-web.service).
	Name string
	// Data is the file's content.
	Data []byte
}

// Render renders set in format: systemd (one unit per service, and a
// target for a project), launchd (one agent per service) or nomad (one
// job, one group per service).
func Render(format string, set Set) ([]File, error) {
	if len(set.Services) == 0 {
		return nil, ErrEmpty
	}
	for _, s := range set.Services {
		if len(s.Command) == 0 {
			return nil, fmt.Errorf("%s: %w", s.Name, ErrEmpty)
		}
	}
	switch format {
	case "systemd":
		return systemd(set), nil
	case "launchd":
		return launchd(set), nil
	case "nomad":
		return nomad(set), nil
	}
	return nil, fmt.Errorf("%q: %w: want %s", format, ErrFormat, strings.Join(Formats, ", "))
}

// slug makes name usable in file, unit, label and job names: letters,
// digits, '-', '_' and '.', anything else as '-'.
func slug(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		return "task"
	}
	return s
}

// seconds writes d as whole seconds, rounding up so that a short delay is
// not lost.
func seconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
