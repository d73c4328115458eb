// Package lifecycle owns a task's state machine: its states, every allowed
// change between them, who makes each change, and the one answer to "is
// this task still served". Every change of a row's state goes through a
// function here; the store only applies them (it is told which states a
// change may start from), and the monitor, the engine and the binaries
// call these functions rather than write states themselves.
//
// It is not the process layer (package proc signals and identifies
// processes) nor the monitor (package monitor runs the task): it is the
// rules both follow.
//
// # States and transitions
//
// "—" is no row. A monitor serves one task from before its row exists to
// after its end is recorded; a reader is any ghost command or ghost-ui
// looking at the task; a stopper is stop, kill, rm --force or ghost-ui.
//
//	from                 to                  by       when                                                    function
//	—                    running (pid 0)     monitor  the command resolves, the name is free                  Reserve
//	running (pid 0)      —                   monitor  the command could not start (exec failed)               Abandon
//	running, restarting  running             monitor  a run started: its identity (pid, start, boot) recorded Started
//	running              restarting          monitor  a run ended, the restart policy asks for another       Restarting
//	running, restarting  exited, killed      monitor  a run ended for good (policy, stop requested, gave up)  Ended
//	unknown              exited, killed      monitor  its real end replaces a reader's guess                  Ended
//	running, restarting  exited, killed      reader   monitor gone, its exit record left behind               Reconcile
//	running, restarting  unknown             reader   neither the task nor its monitor is served, no record   Reconcile
//	running, restarting  (stop requested)    stopper  before any signal is sent                               RequestStop
//	exited, killed, unk. —                   remover  rm, cleanup: the row, then the logs                     Remove
//
// A stop request is a mark on a live row, not a state: the task stays
// running until its monitor records the end, and a monitor that sees the
// mark never starts another run, also while it waits out a delay (then it
// records the last run's end at once). restarting exists for the restart
// policies of the monitor (see package monitor): the last run's process
// is gone, its monitor lives and will start the next run.
//
// # Liveness
//
// Served is the only test of "is this task still served", used by stop,
// kill, status, list, wait and the name check alike: the task's process
// or its monitor exists and has not ended. A zombie has ended: it keeps
// its pid until its parent reaps it (so it still guards that pid against
// reuse when signalling), but under a parent that never reaps (a
// container's PID 1 without an init) it would otherwise count as alive
// for ever.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// None stands for "no row" in the table of transitions.
const None task.Status = ""

// Actor is who makes a transition.
type Actor string

// The actors of the table.
const (
	// Monitor is the task's own monitor process.
	Monitor Actor = "monitor"
	// Reader is any command or viewer that reads the task.
	Reader Actor = "reader"
	// Stopper is stop, kill, rm --force or ghost-ui asking the task to end.
	Stopper Actor = "stopper"
	// Remover is rm or cleanup deleting a finished task.
	Remover Actor = "remover"
)

// Transition is one allowed change of a task's state.
type Transition struct {
	From, To task.Status
	By       Actor
	// When says what makes it happen.
	When string
}

// Transitions is the whole state machine, as drawn in the package doc
// (and in docs/architecture.md); the functions below allow exactly these.
var Transitions = []Transition{
	{None, task.Running, Monitor, "the command resolves and the name is free"},
	{task.Running, None, Monitor, "the command could not start"},
	{task.Running, task.Running, Monitor, "a run started: its identity is recorded"},
	{task.Restarting, task.Running, Monitor, "the delay is over and the next run started"},
	{task.Running, task.Restarting, Monitor, "a run ended and the restart policy asks for another"},
	{task.Running, task.Exited, Monitor, "the run ended for good"},
	{task.Running, task.Killed, Monitor, "the run ended for good"},
	{task.Restarting, task.Exited, Monitor, "a stop was requested during the delay"},
	{task.Restarting, task.Killed, Monitor, "a stop was requested during the delay"},
	{task.Unknown, task.Exited, Monitor, "the real end replaces a reader's guess"},
	{task.Unknown, task.Killed, Monitor, "the real end replaces a reader's guess"},
	{task.Running, task.Exited, Reader, "the monitor is gone and left its exit record"},
	{task.Running, task.Killed, Reader, "the monitor is gone and left its exit record"},
	{task.Restarting, task.Exited, Reader, "the monitor is gone and left its exit record"},
	{task.Restarting, task.Killed, Reader, "the monitor is gone and left its exit record"},
	{task.Running, task.Unknown, Reader, "neither the task nor its monitor is served"},
	{task.Restarting, task.Unknown, Reader, "neither the task nor its monitor is served"},
	{task.Running, task.Running, Stopper, "a stop is requested (a mark, before any signal)"},
	{task.Restarting, task.Restarting, Stopper, "a stop is requested (a mark, before any signal)"},
	{task.Exited, None, Remover, "rm or cleanup"},
	{task.Killed, None, Remover, "rm or cleanup"},
	{task.Unknown, None, Remover, "rm or cleanup"},
}

// Live are the states of a task that is not over: a process runs, or a
// monitor will start one. Listings reconcile these before they show them.
var Live = []task.Status{task.Running, task.Restarting}

// IsLive reports whether s is one of Live.
func IsLive(s task.Status) bool { return slices.Contains(Live, s) }

// from is the states from which by may move a task to to, per Transitions.
func from(to task.Status, by Actor) []task.Status {
	var out []task.Status
	for _, t := range Transitions {
		if t.To == to && t.By == by && t.From != None && !slices.Contains(out, t.From) {
			out = append(out, t.From)
		}
	}
	return out
}

// Allowed reports whether by may move a task from one state to another.
func Allowed(fromState, to task.Status, by Actor) bool {
	for _, t := range Transitions {
		if t.From == fromState && t.To == to && t.By == by {
			return true
		}
	}
	return false
}

// Served reports whether a task is still served: its process, or its
// monitor (starting it, waiting out a restart delay, recording its end),
// exists and has not ended. Every "is it running" in ghost asks this.
func Served(t task.Task) bool {
	if t.PID > 0 && TaskIdentity(t).Live() {
		return true
	}
	return MonitorIdentity(t).Live()
}

// TaskIdentity is the identity of the task's current run's process.
func TaskIdentity(t task.Task) proc.Identity {
	return proc.Identity{PID: t.PID, Start: t.ProcStart, BootID: t.BootID}
}

// MonitorIdentity is the identity of the task's monitor.
func MonitorIdentity(t task.Task) proc.Identity {
	return proc.Identity{PID: t.MonitorPID, Start: t.MonitorStart, BootID: t.BootID}
}

// Reserve writes the new task's row, running with no process yet, unless
// a served task holds its name (task.ErrNameTaken). Its monitor calls it
// once the command is known to exist, before starting it.
func Reserve(ctx context.Context, st *store.Store, t task.Task) error {
	t.Status, t.PID, t.PGID = task.Running, 0, 0
	return st.Reserve(ctx, t, Live, Served)
}

// Abandon removes the row of a task whose command could not start.
func Abandon(ctx context.Context, st *store.Store, id string) error {
	_, err := st.Delete(ctx, id, []task.Status{task.Running})
	return err
}

// Run is the identity of one run of a task's command, recorded before
// anyone may signal it.
type Run struct {
	PID       int
	ProcStart uint64
	StartedAt time.Time
}

// ErrNotLive means the task's row is no longer in a state the change
// could start from (another process ended it).
var ErrNotLive = errors.New("task is no longer live")

// Started records that a run of the task started (the group leader's pid
// is also its group): its identity is in the row before anyone may
// signal it. Its monitor calls it right after the process exists, for the
// first run and after each restart delay.
func Started(ctx context.Context, st *store.Store, id string, r Run) error {
	ok, err := st.SetStarted(ctx, id, r.PID, r.PID, r.ProcStart, r.StartedAt, from(task.Running, Monitor))
	if err == nil && !ok {
		err = fmt.Errorf("%s: %w", id, ErrNotLive)
	}
	return err
}

// Restarting records that a run ended (end) and that the monitor starts
// the next one at next, as the restart policy asks.
func Restarting(ctx context.Context, st *store.Store, id string, end task.End, next time.Time) error {
	ok, err := st.SetRestarting(ctx, id, end, next, from(task.Restarting, Monitor))
	if err == nil && !ok {
		err = fmt.Errorf("%s: %w", id, ErrNotLive)
	}
	return err
}

// Ended records how the task ended for good, as its monitor saw it. A real
// end also replaces an unknown a reader guessed while the monitor could
// not write; an end already recorded is kept. It reports whether the row
// changed.
func Ended(ctx context.Context, st *store.Store, id string, end task.End) (bool, error) {
	if end.Status != task.Exited && end.Status != task.Killed {
		// A monitor that cannot tell how its task ended says so as a
		// reader would.
		return st.SetEnd(ctx, id, end, from(task.Unknown, Reader))
	}
	return st.SetEnd(ctx, id, end, from(end.Status, Monitor))
}

// RequestStop marks a live task as asked to stop, before any signal is
// sent, so that its monitor does not start it again. It reports whether
// the task was live.
func RequestStop(ctx context.Context, st *store.Store, id string) (bool, error) {
	return st.SetStopRequested(ctx, id, Live)
}

// Notes are the ends monitors wrote down as files before (or instead of)
// the database: what a reader folds in for a monitor that is gone.
type Notes interface {
	// Read returns the end noted for task id, and whether there is one.
	Read(id string) (task.End, bool)
	// Remove forgets the note once the database holds it.
	Remove(id string)
}

// Reconcile returns t as it really is. A live row whose task and monitor
// are both no longer served takes the end its monitor noted, if it left
// one, else becomes unknown (a reboot, a monitor killed with SIGKILL). The
// row is updated when it can be; when it cannot (busy for long), the
// caller still gets the true state. t must be a full row (process
// identity included), as from store.Get or store.Live.
func Reconcile(ctx context.Context, st *store.Store, notes Notes, t task.Task) task.Task {
	if !IsLive(t.Status) {
		return t
	}
	end, noted := notes.Read(t.ID)
	if !noted {
		if Served(t) {
			return t
		}
		// The monitor may have written its note and gone just now.
		if end, noted = notes.Read(t.ID); !noted {
			end = task.End{Status: task.Unknown}
		}
	}
	st.SetEnd(ctx, t.ID, end, from(end.Status, Reader))
	// The note goes once the database holds an end (the monitor's, or
	// unknown: then the note was only the room reserved at the start),
	// read back: the file may be another one than the monitor's (moved
	// away and back) that lacks the task.
	if fresh, err := st.Get(ctx, t.ID); err == nil && !IsLive(fresh.Status) {
		notes.Remove(t.ID)
		return fresh
	}
	t.Status, t.ExitCode, t.Signal, t.FinishedAt, t.LogError = end.Status, end.ExitCode, end.Signal, end.FinishedAt, end.LogError
	return t
}

// Remove deletes a finished task's row. A live one is refused with
// task.ErrStillRunning: stop it first.
func Remove(ctx context.Context, st *store.Store, t task.Task) error {
	if IsLive(t.Status) {
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrStillRunning)
	}
	ok, err := st.Delete(ctx, t.ID, from(None, Remover))
	if err != nil {
		return err
	}
	if !ok {
		if fresh, gerr := st.Get(ctx, t.ID); gerr == nil && IsLive(fresh.Status) {
			return fmt.Errorf("%s: %w", t.ShortID(), task.ErrStillRunning)
		}
	}
	return nil
}
