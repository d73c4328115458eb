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
	// Restarting means the last run ended and the task's monitor waits out
	// a delay before the next one, as its restart policy asks.
	Restarting Status = "restarting"
)

// Statuses lists every state, in the order help texts name them.
var Statuses = []Status{Running, Restarting, Exited, Killed, Unknown}

// Valid reports whether s is one of the states.
func (s Status) Valid() bool {
	switch s {
	case Running, Restarting, Exited, Killed, Unknown:
		return true
	}
	return false
}

// Finished reports whether the task has ended for good: no process, no
// monitor that will start another run. The lifecycle package says who
// moves a task between states.
func (s Status) Finished() bool { return s != Running && s != Restarting }

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

// Listing is what a listing shows of a task: what ran, its state and how
// it ended, without the environment (large, and often secret) or the
// process identity (which only signalling and reconciling need). Lists
// give Listings; a task looked at alone is a Task.
type Listing struct {
	ID   string
	Name string
	// Project is the app the task was started for by `ghost up`, empty for
	// a task started alone; its name is then PROJECT/SERVICE.
	Project    string
	PID        int
	PGID       int
	Command    []string
	Cwd        string
	Status     Status
	ExitCode   *int
	Signal     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while unknown
	LogPath    string
	// Restart is the task's restart policy's mode (RestartNo when none).
	Restart RestartMode
	// Restarts counts the restarts so far: the current run is the
	// Restarts+1-th.
	Restarts int
	// NextRestartAt is when the next run starts, while restarting.
	NextRestartAt time.Time
	// Origin says what started the task: "cli" (the command line or
	// ghost-ui) or "mcp:<client>" (an agent through `ghost mcp`); empty
	// means "cli".
	Origin string
}

// Task is one command run in the background, as recorded: its listing
// and everything else the database holds about it.
type Task struct {
	Listing
	Env map[string]string
	// EnvGiven names the variables of Env given for this task (--env,
	// --env-file) rather than inherited; nil when not recorded (older
	// tasks, or listings, which do not read it).
	EnvGiven []string

	// ProcStart is the kernel's start time of PID in raw ticks, and BootID
	// the boot it belongs to: together with PID they identify the process.
	ProcStart uint64
	BootID    string
	// MonitorPID and MonitorStart identify the monitor that records the end.
	MonitorPID   int
	MonitorStart uint64
	// LogError says why some of the task's output could not be kept, if so.
	LogError string
	// StopRequested says that someone asked the task to stop (stop, kill,
	// rm --force): its monitor must not start it again.
	StopRequested bool
	// Leftovers are processes of the task's group still running after its
	// main process ended; looked up by status only.
	Leftovers []int
	// RestartPolicy is the whole policy; Restart its mode.
	RestartPolicy RestartPolicy
	// GaveUp is the number of restarts in a row after which the policy
	// gave up, or 0.
	GaveUp int
	// Runs are the task's runs, oldest first; nil when nobody looked
	// (only status reads them).
	Runs []Run
	// TTY is the size of the pseudo-terminal the task runs on, as
	// COLSxROWS, or "" when its output goes through pipes.
	TTY string
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
func (t Listing) ShortID() string {
	if len(t.ID) > 8 {
		return t.ID[:8]
	}
	return t.ID
}

// OriginCLI is the origin of a task a person started.
const OriginCLI = "cli"

// OriginName is t.Origin, "cli" when unset.
func (t Listing) OriginName() string {
	if t.Origin == "" {
		return OriginCLI
	}
	return t.Origin
}

// Runtime is how long the task ran, or has run so far when now is given for
// a running task.
func (t Listing) Runtime(now time.Time) time.Duration {
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
	// GaveUp is, when the restart policy gave up, after how many restarts
	// in a row; else 0.
	GaveUp int
}
