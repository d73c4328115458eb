// Package engine is ghost's one entry point for both binaries: it launches
// tasks through monitors, reads them back with their true state, and stops
// or signals them without ever touching a process that is not the task.
package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/uuid/v5"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
	"github.com/ghostproject/ghost/ghost-core/watch"
)

// Engine is an open data directory.
type Engine struct {
	Dir   datadir.Dir
	Store *store.Store
}

// Open opens the data directory the environment names (see
// datadir.Locate), creating it when missing.
func Open(getenv func(string) string) (*Engine, error) {
	path, err := datadir.Locate(getenv)
	if err != nil {
		return nil, err
	}
	return OpenDir(path)
}

// OpenDir opens the data directory at path, creating it when missing.
func OpenDir(path string) (*Engine, error) {
	dir, err := datadir.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(dir.DatabasePath())
	if err != nil {
		return nil, err
	}
	return &Engine{Dir: dir, Store: st}, nil
}

// Close releases the database.
func (e *Engine) Close() error { return e.Store.Close() }

// RunOptions describes a command to start.
type RunOptions struct {
	Name string
	// Project is the app the task belongs to (`ghost up`), or empty.
	Project string
	Command []string
	// Cwd is the absolute working directory.
	Cwd string
	// Env is the task's whole environment, KEY=VALUE.
	Env []string
	// EnvGiven names the variables of Env given for this task rather than
	// inherited (--env, --env-file), for the details to show apart.
	EnvGiven []string
	Log      logs.Policy
	// TTY runs the task on a pseudo-terminal (Unix only) of Size, or
	// DefaultTTYSize when Size is zero.
	TTY  bool
	Size TTYSize
	// Origin says what starts the task: empty for a person ("cli"),
	// "mcp:<client>" for an agent.
	Origin string
}

// Run starts a task and returns it once it runs. A command that cannot
// start yields a *monitor.StartError and leaves no task behind.
func (e *Engine) Run(ctx context.Context, o RunOptions) (task.Task, error) {
	id, err := Launch(e.Dir, o)
	if err != nil {
		return task.Task{}, err
	}
	return e.Store.Get(ctx, id)
}

// Launch starts a task like Run and returns its id, without opening the
// database: the task's monitor records it. `ghost run` prints only the id,
// and opening, reading and closing the database would be a third of its
// time.
func Launch(dir datadir.Dir, o RunOptions) (string, error) {
	if err := task.CheckName(o.Name); err != nil {
		return "", err
	}
	if o.TTY && !TTYSupported {
		return "", ErrNoTTY
	}
	if o.Size == (TTYSize{}) {
		o.Size = DefaultTTYSize
	}
	if o.TTY {
		o.Env = withTerm(o.Env)
	}
	id, err := uuid.NewV4()
	if err != nil {
		return "", fmt.Errorf("making task id: %w", err)
	}
	_, err = monitor.Start(monitor.Spec{
		ID: id.String(), DataDir: dir.Path, Name: o.Name, Project: o.Project,
		Command: o.Command, Env: o.Env, EnvGiven: o.EnvGiven, Cwd: o.Cwd, Log: o.Log, Origin: o.Origin,
		TTY: o.TTY, Cols: o.Size.Cols, Rows: o.Size.Rows,
	})
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// Find resolves a reference (id, unique id prefix or name) to a task, in
// its true current state.
func (e *Engine) Find(ctx context.Context, ref string) (task.Task, error) {
	t, err := e.Store.Resolve(ctx, ref)
	if err != nil {
		return task.Task{}, err
	}
	return e.Reconcile(ctx, t), nil
}

// List returns tasks newest first, each in its true current state.
func (e *Engine) List(ctx context.Context, f store.Filter) ([]task.Task, error) {
	running, changed, err := e.reconcileRunning(ctx)
	if err != nil {
		return nil, err
	}
	if !changed && len(f.Statuses) == 1 && f.Statuses[0] == task.Running && f.Limit == 0 && f.Project == "" {
		return running, nil
	}
	return e.Store.List(ctx, f)
}

// Each calls fn with every task f keeps, newest first, each in its true
// current state, one at a time (see store.Store.Each).
func (e *Engine) Each(ctx context.Context, f store.Filter, fn func(task.Task) error) error {
	if _, _, err := e.reconcileRunning(ctx); err != nil {
		return err
	}
	return e.Store.Each(ctx, f, fn)
}

// reconcileRunning brings every task still marked running up to date and
// reports whether any was not running after all.
func (e *Engine) reconcileRunning(ctx context.Context) ([]task.Task, bool, error) {
	running, err := e.Store.Running(ctx)
	if err != nil {
		return nil, false, err
	}
	changed := false
	for _, t := range running {
		if e.Reconcile(ctx, t).Status != task.Running {
			changed = true
		}
	}
	return running, changed, nil
}

// Reconcile returns t as it really is. A row still marked running whose
// process and monitor are both gone takes the monitor's exit record if it
// left one, else becomes unknown (a reboot, a monitor killed with SIGKILL).
// The database is updated when it can be; when it cannot (busy for long),
// the caller still gets the true state.
func (e *Engine) Reconcile(ctx context.Context, t task.Task) task.Task {
	if t.Status != task.Running {
		return t
	}
	if t.BootID == "" {
		// A task from a listing carries no process identity, and without
		// one every process looks gone: judge by the full row.
		full, err := e.Store.Get(ctx, t.ID)
		if err != nil {
			return t
		}
		if t = full; t.Status != task.Running {
			return t
		}
	}
	end, ok, _ := monitor.ReadRecord(e.Dir.ExitDir(), t.ID)
	if !ok {
		if monitor.Alive(t) {
			return t
		}
		// The monitor may have written its record and gone just now.
		if end, ok, _ = monitor.ReadRecord(e.Dir.ExitDir(), t.ID); !ok {
			end = task.End{Status: task.Unknown}
		}
	}
	// The record goes once the database has an end: the monitor's, or
	// unknown (then the record is only the room reserved at the start).
	if _, err := e.Store.Finish(ctx, t.ID, end); err == nil && monitor.Applied(ctx, e.Store, t.ID) {
		monitor.RemoveRecord(e.Dir.ExitDir(), t.ID)
	}
	if fresh, err := e.Store.Get(ctx, t.ID); err == nil && fresh.Status != task.Running {
		return fresh
	}
	t.Status, t.ExitCode, t.Signal, t.FinishedAt, t.LogError = end.Status, end.ExitCode, end.Signal, end.FinishedAt, end.LogError
	return t
}

// Signal sends sig to the task's process group after making sure the group
// leader is still the task. If it is not (the task ended, or its pid was
// reused), nothing is signalled and the error wraps task.ErrNotRunning.
func (e *Engine) Signal(ctx context.Context, t task.Task, sig syscall.Signal) error {
	t, err := e.current(ctx, t.ID)
	if err != nil {
		return err
	}
	if (t.Status != task.Running || t.PID <= 0) && len(e.Leftovers(t)) == 0 {
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
	}
	err = proc.SignalGroup(monitor.TaskIdentity(t), t.PGID, sig)
	if errors.Is(err, proc.ErrGone) || errors.Is(err, proc.ErrReused) {
		e.Reconcile(ctx, t)
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
	}
	return err
}

// startWait bounds how long a signal waits for a task that is still being
// started (its row exists, its pid is not recorded yet): its launcher
// returns only once it is, so this is a matter of milliseconds.
const startWait = 10 * time.Second

// current reads the task's row afresh, in its true state, waiting while
// the task is being started: the caller's copy may be older than the pid.
func (e *Engine) current(ctx context.Context, id string) (task.Task, error) {
	deadline := time.Now().Add(startWait)
	for {
		t, err := e.Store.Get(ctx, id)
		if err != nil {
			return t, err
		}
		t = e.Reconcile(ctx, t)
		if t.Status != task.Running || t.PID > 0 || time.Now().After(deadline) {
			return t, nil
		}
		select {
		case <-ctx.Done():
			return t, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// killWait bounds the wait for a task's end to be recorded after SIGKILL,
// which cannot be caught: only an unkillable (D-state) process takes long.
const killWait = 30 * time.Second

// ErrStuck means a task outlived SIGKILL for longer than ghost waits.
var ErrStuck = errors.New("task did not end after SIGKILL")

// Stop sends SIGTERM to the task's process group, waits up to grace for it
// to end, then sends SIGKILL. It returns the task once its end is recorded.
func (e *Engine) Stop(ctx context.Context, t task.Task, grace time.Duration) (task.Task, error) {
	w := e.watch()
	defer w.Close()
	if err := e.Signal(ctx, t, syscall.SIGTERM); err != nil {
		return t, err
	}
	e.resume(ctx, t)
	if done, ok, err := e.waitAllEnded(ctx, w, t.ID, grace); ok || err != nil {
		return done, err
	}
	if err := e.Signal(ctx, t, syscall.SIGKILL); err != nil && !errors.Is(err, task.ErrNotRunning) {
		return t, err
	}
	done, ok, err := e.waitAllEnded(ctx, w, t.ID, killWait)
	if err == nil && !ok {
		err = fmt.Errorf("%s: %w", t.ShortID(), ErrStuck)
	}
	return done, err
}

// Leftovers lists the processes of a finished task's group that still
// run: its main process ended, others it started stay. They remain the
// task's for as long as its monitor holds the ended main process, whose
// pid is the group's id (see monitor); then stop and kill reach them.
func (e *Engine) Leftovers(t task.Task) []int {
	if !t.Status.Finished() || t.PGID <= 1 || t.PGID != t.PID || !monitor.TaskIdentity(t).Alive() {
		return nil
	}
	pids, _ := proc.GroupMembers(t.PGID)
	var out []int
	for _, p := range pids {
		if p != t.PGID {
			out = append(out, p)
		}
	}
	return out
}

// waitAllEnded is waitEnded, then waits (within the same timeout) for the
// task's leftover processes to go too.
func (e *Engine) waitAllEnded(ctx context.Context, w *watch.Watcher, id string, timeout time.Duration) (task.Task, bool, error) {
	deadline := time.Now().Add(timeout)
	t, ok, err := e.waitEnded(ctx, w, id, timeout)
	for ok && err == nil && len(e.Leftovers(t)) > 0 {
		if time.Now().After(deadline) {
			return t, false, nil
		}
		select {
		case <-ctx.Done():
			return t, false, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return t, ok, err
}

// resume sends SIGCONT after a SIGTERM, as systemd does: a task stopped
// with SIGSTOP (or Ctrl-Z in a shell it runs) would otherwise hold the
// SIGTERM pending and never run its handler, and always end by SIGKILL.
// A task that runs ignores SIGCONT.
func (e *Engine) resume(ctx context.Context, t task.Task) {
	e.Signal(ctx, t, syscall.SIGCONT)
}

// Wait blocks until the task has ended and returns it, or until timeout
// (if positive) passes, reporting then whether it ended.
func (e *Engine) Wait(ctx context.Context, id string, timeout time.Duration) (task.Task, bool, error) {
	w := e.watch()
	defer w.Close()
	if timeout <= 0 {
		timeout = 1<<63 - 1
	}
	return e.waitEnded(ctx, w, id, timeout)
}

// Ended returns a function telling whether task id has ended: what a log
// follower asks before its last read.
func (e *Engine) Ended(ctx context.Context, id string) func() bool {
	return func() bool {
		t, err := e.Store.Get(ctx, id)
		if errors.Is(err, task.ErrNotFound) {
			return true // removed: nothing more will be written
		}
		if err != nil {
			return false // cannot tell (busy, or ctx ended): ask again later
		}
		return e.Reconcile(ctx, t).Status.Finished()
	}
}

// WatchTask wakes on every change to task id's files: output written, its
// log rotated, its monitor's exit record appearing. The caller closes it.
func (e *Engine) WatchTask(id string) *watch.Watcher {
	return e.watchMatching(func(path string) bool {
		return strings.HasPrefix(filepath.Base(path), id+".")
	})
}

// watchMatching wakes on every change to the log or exit record files
// that filter accepts.
func (e *Engine) watchMatching(filter func(path string) bool) *watch.Watcher {
	return watch.Matching(250*time.Millisecond, filter, e.Dir.LogDir(), e.Dir.ExitDir())
}

// watch wakes when a monitor leaves an exit record: a task ended.
func (e *Engine) watch() *watch.Watcher {
	// The poll covers monitors that died without a word: their tasks are
	// found ended only by looking.
	return watch.Dirs(250*time.Millisecond, e.Dir.ExitDir())
}

func (e *Engine) waitEnded(ctx context.Context, w *watch.Watcher, id string, timeout time.Duration) (task.Task, bool, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		t, err := e.Store.Get(ctx, id)
		if err != nil {
			return t, false, err
		}
		if t = e.Reconcile(ctx, t); t.Status.Finished() {
			return t, true, nil
		}
		select {
		case <-ctx.Done():
			return t, false, ctx.Err()
		case <-timer.C:
			return t, false, nil
		case <-w.C:
		}
	}
}

// Remove deletes a finished task's row, logs and any exit record.
func (e *Engine) Remove(ctx context.Context, t task.Task) error {
	if t = e.Reconcile(ctx, t); t.Status == task.Running {
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrStillRunning)
	}
	if err := e.Store.Delete(ctx, t.ID); err != nil {
		return err
	}
	monitor.RemoveRecord(e.Dir.ExitDir(), t.ID)
	if err := logs.Remove(e.Dir.LogDir(), t.ID); err != nil {
		return fmt.Errorf("removing log: %w", err)
	}
	return nil
}

// Restart stops t if it runs (as Stop, with grace) and runs its command
// again with the same working directory, environment, name and origin, as
// a new task.
func (e *Engine) Restart(ctx context.Context, t task.Task, grace time.Duration, policy logs.Policy) (task.Task, error) {
	if t.Status == task.Running {
		if _, err := e.Stop(ctx, t, grace); err != nil && !errors.Is(err, task.ErrNotRunning) {
			return task.Task{}, err
		}
	}
	if t.Env == nil {
		full, err := e.Store.Get(ctx, t.ID)
		if err != nil {
			return task.Task{}, err
		}
		t.Env, t.EnvGiven = full.Env, full.EnvGiven
	}
	o := RunOptions{Name: t.Name, Project: t.Project, Command: t.Command, Cwd: t.Cwd, Env: task.EnvList(t.Env), EnvGiven: t.EnvGiven, Log: policy, Origin: t.Origin}
	if t.TTY != "" {
		o.TTY = true
		o.Size, _ = ParseTTYSize(t.TTY)
	}
	return e.Run(ctx, o)
}
