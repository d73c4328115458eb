// Package task is ghost's model of a background command: what was run, how
// it is identified, and how it ended. It holds no storage or process code.
package task

import (
	"errors"
	"time"

	"github.com/ghostproject/ghost/ghost-core/ports"
)

// Status is the state of a task as the user sees it.
type Status string

// The states a task can be in.
const (
	// Running means the task's process is alive (or its monitor is recording its end).
	Running Status = "running"
	// Exited means the process ended by itself; ExitCode is set.
	Exited Status = "exited"
	// Killed means the process was ended by a signal; Signal is set.
	Killed Status = "killed"
	// Unknown means the process is gone and how it ended was never recorded.
	Unknown Status = "unknown"
)

// Valid reports whether s is one of the four states.
func (s Status) Valid() bool {
	switch s {
	case Running, Exited, Killed, Unknown:
		return true
	}
	return false
}

// Finished reports whether the task can no longer change state by itself.
func (s Status) Finished() bool { return s != Running }

// Errors a caller may want to tell apart with errors.Is.
var (
	// ErrNotFound means no task matches the reference.
	ErrNotFound = errors.New("no such task")
	// ErrNotRunning means the operation needs a running task.
	ErrNotRunning = errors.New("task is not running")
	// ErrNameTaken means another running task already has the name.
	ErrNameTaken = errors.New("name is taken by a running task")
	// ErrStillRunning means the operation needs a finished task.
	ErrStillRunning = errors.New("task is still running")
)

// AmbiguousError reports a reference that matches several tasks.
type AmbiguousError struct {
	// Ref is the reference as given.
	Ref string
	// Candidates are the ids it matches, newest first.
	Candidates []string
}

func (e *AmbiguousError) Error() string {
	return "ambiguous task id prefix " + e.Ref
}

// Task is one command run in the background, as recorded.
type Task struct {
	ID   string
	Name string
	// Project is the app the task was started for by `ghost up`, empty for
	// a task started alone; its name is then PROJECT/SERVICE.
	Project string
	PID     int
	PGID    int
	Command []string
	Env     map[string]string
	// EnvGiven names the variables of Env given for this task (--env,
	// --env-file) rather than inherited; nil when not recorded (older
	// tasks, or listings, which do not read it).
	EnvGiven   []string
	Cwd        string
	Status     Status
	ExitCode   *int
	Signal     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while unknown
	LogPath    string

	// ProcStart is the kernel's start time of PID in raw ticks, and BootID
	// the boot it belongs to: together with PID they identify the process.
	ProcStart uint64
	BootID    string
	// MonitorPID and MonitorStart identify the monitor that records the end.
	MonitorPID   int
	MonitorStart uint64
	// LogError says why some of the task's output could not be kept, if so.
	LogError string
	// Leftovers are processes of the task's group still running after its
	// main process ended; looked up by status only.
	Leftovers []int
	// TTY is the size of the pseudo-terminal the task runs on, as
	// COLSxROWS, or "" when its output goes through pipes.
	TTY string
	// Origin says what started the task: "cli" (the command line or
	// ghost-ui) or "mcp:<client>" (an agent through `ghost mcp`); empty
	// means "cli".
	Origin string
	// Ports are the sockets the task's process group listens on; nil when
	// nobody looked (lists do not), empty when there are none.
	Ports []ports.Port
	// Usage is what the task's process group costs now; nil when nobody
	// measured (lists do not), zero for a task that no longer runs.
	Usage *Usage
}

// Usage is what a running task costs, summed over its process group.
type Usage struct {
	// CPUPercent is the share of one core used over the last interval
	// measured: 200 is two cores busy.
	CPUPercent float64
	// RSSBytes is the resident memory of its processes.
	RSSBytes int64
}

// ShortID is the id as shown in tables: enough to be unique in practice.
func (t Task) ShortID() string {
	if len(t.ID) > 8 {
		return t.ID[:8]
	}
	return t.ID
}

// OriginCLI is the origin of a task a person started.
const OriginCLI = "cli"

// OriginName is t.Origin, "cli" when unset.
func (t Task) OriginName() string {
	if t.Origin == "" {
		return OriginCLI
	}
	return t.Origin
}

// Runtime is how long the task ran, or has run so far when now is given for
// a running task.
func (t Task) Runtime(now time.Time) time.Duration {
	end := t.FinishedAt
	if end.IsZero() {
		if t.Status.Finished() {
			return 0
		}
		end = now
	}
	if end.Before(t.StartedAt) {
		return 0
	}
	return end.Sub(t.StartedAt)
}

// End is how a task ended, as its monitor saw it.
type End struct {
	Status     Status
	ExitCode   *int
	Signal     string
	FinishedAt time.Time
	LogError   string
}
