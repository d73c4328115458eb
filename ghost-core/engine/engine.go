// Package engine is ghost's front door: the one package of ghost-core the
// binaries (ghost, ghost-ui) use, with the task model (package task) and
// printable. It launches tasks through monitors, reads them back in their
// true state, follows their output, and stops or signals them without ever
// touching a process that is not the task. The store, the monitor, the
// logs and the process layer stay behind it; the state machine they all
// follow is package lifecycle.
//
// A method taking a context honours it everywhere, a busy database
// included: a cancelled command ends with the context's error.
package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/gofrs/uuid/v5"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/lifecycle"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/ports"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
	"github.com/ghostproject/ghost/ghost-core/watch"
)

// Engine is an open data directory.
type Engine struct {
	dir    datadir.Dir
	getenv func(string) string

	mu sync.Mutex
	st *store.Store // opened on first need: launching never needs it
}

// Open opens the data directory the environment names (see README, "Where
// data lives") and its database, creating them when missing. getenv also
// gives the defaults of launches (GHOST_LOG_MAX_SIZE and the like).
func Open(ctx context.Context, getenv func(string) string) (*Engine, error) {
	e, err := OpenForLaunch(getenv)
	if err != nil {
		return nil, err
	}
	if _, err := e.store(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// OpenForLaunch is Open without the database, which is opened only when
// a method first needs it: a launch does not (its monitor records the
// task), and opening, reading and closing the database would be a third
// of the time of `ghost run`.
func OpenForLaunch(getenv func(string) string) (*Engine, error) {
	path, err := datadir.Locate(getenv)
	if err != nil {
		return nil, err
	}
	dir, err := datadir.Open(path)
	if err != nil {
		return nil, err
	}
	return &Engine{dir: dir, getenv: getenv}, nil
}

// OpenDir opens the data directory at path and its database, creating
// them when missing, with no settings from the environment.
func OpenDir(ctx context.Context, path string) (*Engine, error) {
	return Open(ctx, func(k string) string {
		if k == "GHOST_DATA_DIR" {
			return path
		}
		return ""
	})
}

// Close releases the database.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st == nil {
		return nil
	}
	err := e.st.Close()
	e.st = nil
	return err
}

// store is the database, opened now if it is not yet.
func (e *Engine) store(ctx context.Context) (*store.Store, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st != nil {
		return e.st, nil
	}
	st, err := store.Open(ctx, e.dir.DatabasePath())
	if err != nil {
		return nil, err
	}
	e.st = st
	return st, nil
}

// notes are the monitors' exit records of this data directory.
func (e *Engine) notes() lifecycle.Notes { return monitor.Records(e.dir.ExitDir()) }

// Spec describes a command to start.
type Spec struct {
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
	// Log bounds the task's log files.
	Log LogPolicy
	// TTY runs the task on a pseudo-terminal (Unix only) of Size, or
	// DefaultTTYSize when Size is zero.
	TTY  bool
	Size TTYSize
	// Origin says what starts the task: empty for a person ("cli"),
	// "mcp:<client>" for an agent.
	Origin string
	// Restart is how the task's monitor keeps it alive (see
	// task.RestartPolicy); the zero value never restarts.
	Restart task.RestartPolicy
}

// Launch starts a task and returns its id once its command runs. It does
// not open the database: the task's monitor records the task. A command
// that cannot start yields an error matching ErrCommandNotFound,
// ErrNotExecutable, ErrNoCwd or task.ErrNameTaken, and leaves nothing.
func (e *Engine) Launch(ctx context.Context, s Spec) (string, error) {
	if err := task.CheckName(s.Name); err != nil {
		return "", err
	}
	if s.TTY && !TTYSupported {
		return "", ErrNoTTY
	}
	if s.Size == (TTYSize{}) {
		s.Size = DefaultTTYSize
	}
	if s.TTY {
		s.Env = withTerm(s.Env)
	}
	id, err := uuid.NewV4()
	if err != nil {
		return "", fmt.Errorf("making task id: %w", err)
	}
	if s.Log == (LogPolicy{}) {
		s.Log = logs.DefaultPolicy
	}
	_, err = monitor.Start(ctx, monitor.Spec{
		ID: id.String(), DataDir: e.dir.Path, Name: s.Name, Project: s.Project,
		Command: s.Command, Env: s.Env, EnvGiven: s.EnvGiven, Cwd: s.Cwd, Log: s.Log, Origin: s.Origin,
		TTY: s.TTY, Cols: s.Size.Cols, Rows: s.Size.Rows, Restart: s.Restart,
	})
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// Run starts a task as Launch does and returns it as recorded.
func (e *Engine) Run(ctx context.Context, s Spec) (task.Task, error) {
	id, err := e.Launch(ctx, s)
	if err != nil {
		return task.Task{}, err
	}
	return e.Get(ctx, id)
}

// Get resolves a reference (full id, name, or unique id prefix) to a
// task, environment included, in its true current state.
func (e *Engine) Get(ctx context.Context, ref string) (task.Task, error) {
	st, err := e.store(ctx)
	if err != nil {
		return task.Task{}, err
	}
	t, err := st.Resolve(ctx, ref)
	if err != nil {
		return task.Task{}, err
	}
	return lifecycle.Reconcile(ctx, st, e.notes(), t), nil
}

// Filter narrows a listing.
type Filter struct {
	// Statuses keeps only tasks in one of these states; empty keeps all.
	Statuses []task.Status
	// Limit caps the number of tasks, newest first; 0 means no cap.
	Limit int
	// Project keeps only the tasks of this project (`ghost up`); empty
	// keeps all.
	Project string
}

// List returns the tasks f keeps, newest first, each in its true state.
func (e *Engine) List(ctx context.Context, f Filter) ([]task.Listing, error) {
	var out []task.Listing
	err := e.Each(ctx, f, func(t task.Listing) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// Each calls fn with every task f keeps, newest first, each in its true
// state, one at a time: a history of 100,000 tasks is never held whole.
// An error from fn stops the walk and is returned.
func (e *Engine) Each(ctx context.Context, f Filter, fn func(task.Listing) error) error {
	return e.each(ctx, f, fn, func(st *store.Store, sf store.Filter) error { return st.Each(ctx, sf, fn) })
}

// EachID calls fn with the id of every task Each would give, in the same
// order. Only the ids are read: `ghost list -q` of 100,000 tasks need not
// make 1.7 million values it would not print.
func (e *Engine) EachID(ctx context.Context, f Filter, fn func(id string) error) error {
	return e.each(ctx, f, func(t task.Listing) error { return fn(t.ID) },
		func(st *store.Store, sf store.Filter) error { return st.EachID(ctx, sf, fn) })
}

// each reconciles the live tasks, then gives f's tasks to fn, or, when the
// live tasks just read are not all f asks for, has walk read them.
func (e *Engine) each(ctx context.Context, f Filter, fn func(task.Listing) error, walk func(*store.Store, store.Filter) error) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	live, err := st.Live(ctx, lifecycle.Live)
	if err != nil {
		return err
	}
	changed := false
	for i, t := range live {
		if live[i] = lifecycle.Reconcile(ctx, st, e.notes(), t); live[i].Status != t.Status {
			changed = true
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sf := store.Filter{Statuses: f.Statuses, Limit: f.Limit, Project: f.Project}
	if !changed && onlyLive(f.Statuses) && f.Limit == 0 && f.Project == "" {
		// The live tasks were just read and none changed: no second read.
		for _, t := range live {
			if slicesContains(f.Statuses, t.Status) {
				if err := fn(t.Listing); err != nil {
					return err
				}
			}
		}
		return nil
	}
	sf.Few = onlyLive(f.Statuses)
	return walk(st, sf)
}

func onlyLive(statuses []task.Status) bool {
	if len(statuses) == 0 {
		return false
	}
	for _, s := range statuses {
		if !lifecycle.IsLive(s) {
			return false
		}
	}
	return true
}

func slicesContains(list []task.Status, s task.Status) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Signal sends sig to the task's process group after making sure the group
// leader is still the task. If it is not (the task ended, or its pid was
// reused), nothing is signalled and the error wraps task.ErrNotRunning. It
// asks nothing of the task's monitor: see Kill for a signal meant to end
// the task.
func (e *Engine) Signal(ctx context.Context, id string, sig syscall.Signal) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	t, err := e.current(ctx, st, id)
	if err != nil {
		return err
	}
	if (t.Status != task.Running || t.PID <= 0) && len(e.Leftovers(t)) == 0 {
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
	}
	err = proc.SignalGroup(lifecycle.TaskIdentity(t), t.PGID, sig)
	if errors.Is(err, proc.ErrGone) || errors.Is(err, proc.ErrReused) {
		lifecycle.Reconcile(ctx, st, e.notes(), t)
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
	}
	return err
}

// Kill sends sig to the task's process group as Signal does, first
// recording that a stop was requested when sig is one that ends a
// process (anything but HUP, USR1, USR2, WINCH, CONT, STOP, TSTP, TTIN,
// TTOU, the signals that talk to a live process), so that its monitor does
// not start it again.
func (e *Engine) Kill(ctx context.Context, id string, sig syscall.Signal) error {
	if ends(sig) {
		// A task that has ended is not asked (Signal still reaches the
		// processes it left in its group, or says it is not running).
		if err := e.requestStop(ctx, id); err != nil && !errors.Is(err, task.ErrNotRunning) {
			return err
		}
	}
	return e.Signal(ctx, id, sig)
}

// requestStop records the stop request of a live task; a task that is not
// live is reported as not running.
func (e *Engine) requestStop(ctx context.Context, id string) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	t, err := st.Get(ctx, id)
	if err != nil {
		return err
	}
	if t = lifecycle.Reconcile(ctx, st, e.notes(), t); !lifecycle.IsLive(t.Status) {
		return fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
	}
	if ok, err := lifecycle.RequestStop(ctx, st, id); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("%s: %w", t.ShortID(), task.ErrNotRunning)
		}
		return err
	}
	return nil
}

// startWait bounds how long a signal waits for a task that is still being
// started (its row exists, its pid is not recorded yet): its launcher
// returns only once it is, so this is a matter of milliseconds.
const startWait = 10 * time.Second

// current reads the task's row afresh, in its true state, waiting while
// the task is being started: the caller's copy may be older than the pid.
func (e *Engine) current(ctx context.Context, st *store.Store, id string) (task.Task, error) {
	deadline := time.Now().Add(startWait)
	for {
		t, err := st.Get(ctx, id)
		if err != nil {
			return t, err
		}
		t = lifecycle.Reconcile(ctx, st, e.notes(), t)
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

// DefaultStopGrace is how long Stop waits between SIGTERM and SIGKILL
// unless told otherwise, for every binary alike.
const DefaultStopGrace = 10 * time.Second

// killWait bounds the wait for a task's end to be recorded after SIGKILL,
// which cannot be caught: only an unkillable (D-state) process takes long.
const killWait = 30 * time.Second

// ErrStuck means a task outlived SIGKILL for longer than ghost waits.
var ErrStuck = errors.New("task did not end after SIGKILL")

// Stop ends a task for good: it records that a stop was requested (so the
// task is never restarted), sends SIGTERM to its process group, waits up
// to grace for it to end, then sends SIGKILL. It returns the task once its
// end is recorded. A task that is not live is task.ErrNotRunning.
func (e *Engine) Stop(ctx context.Context, id string, grace time.Duration) (task.Task, error) {
	w := e.watchEnds()
	defer w.Close()
	if err := e.requestStop(ctx, id); err != nil {
		// A task that has ended may have left processes in its group:
		// stop reaches them all the same.
		t, gerr := e.Get(ctx, id)
		if !errors.Is(err, task.ErrNotRunning) || gerr != nil || len(e.Leftovers(t)) == 0 {
			return task.Task{}, err
		}
	}
	// A task waiting out a restart delay has no process: its monitor sees
	// the request and records the end at once.
	if err := e.Signal(ctx, id, syscall.SIGTERM); err != nil && !errors.Is(err, task.ErrNotRunning) {
		return task.Task{}, err
	}
	e.resume(ctx, id)
	if done, ok, err := e.waitAllEnded(ctx, w, id, grace); ok || err != nil {
		return done, err
	}
	if err := e.Signal(ctx, id, syscall.SIGKILL); err != nil && !errors.Is(err, task.ErrNotRunning) {
		return task.Task{}, err
	}
	done, ok, err := e.waitAllEnded(ctx, w, id, killWait)
	if err == nil && !ok {
		err = fmt.Errorf("%s: %w", done.ShortID(), ErrStuck)
	}
	return done, err
}

// Leftovers lists the processes of a finished task's group that still
// run: its main process ended, others it started stay. They remain the
// task's for as long as its monitor holds the ended main process, whose
// pid is the group's id (see monitor); then stop and kill reach them.
func (e *Engine) Leftovers(t task.Task) []int {
	if !t.Status.Finished() || t.PGID <= 1 || t.PGID != t.PID || !lifecycle.TaskIdentity(t).Exists() {
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
func (e *Engine) resume(ctx context.Context, id string) {
	if sigCont != 0 {
		e.Signal(ctx, id, sigCont)
	}
}

// Wait blocks until the task has ended for good (through any restarts)
// and returns it, or until ctx ends (then with ctx's error: a deadline is
// a timeout).
func (e *Engine) Wait(ctx context.Context, id string) (task.Task, error) {
	w := e.watchEnds()
	defer w.Close()
	t, _, err := e.waitEnded(ctx, w, id, 1<<63-1)
	return t, err
}

func (e *Engine) waitEnded(ctx context.Context, w *watch.Watcher, id string, timeout time.Duration) (task.Task, bool, error) {
	st, err := e.store(ctx)
	if err != nil {
		return task.Task{}, false, err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		t, err := st.Get(ctx, id)
		if err != nil {
			return t, false, err
		}
		if t = lifecycle.Reconcile(ctx, st, e.notes(), t); t.Status.Finished() {
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

// Remove deletes a finished task's row, logs and any exit record. A live
// task is refused with task.ErrStillRunning.
func (e *Engine) Remove(ctx context.Context, id string) error {
	st, err := e.store(ctx)
	if err != nil {
		return err
	}
	t, err := st.Get(ctx, id)
	if err != nil {
		return err
	}
	t = lifecycle.Reconcile(ctx, st, e.notes(), t)
	if err := lifecycle.Remove(ctx, st, t); err != nil {
		return err
	}
	e.notes().Remove(t.ID)
	if err := logs.Remove(e.dir.LogDir(), t.ID); err != nil {
		return fmt.Errorf("removing log: %w", err)
	}
	return nil
}

// Restart stops the task if it is live (as Stop, with grace) and runs its
// command again with the same working directory, environment, name,
// origin and restart policy, as a new task, with the log limits the
// environment sets (as `ghost run` without flags). Each adjust may change
// the new task's spec first (an agent restarting a task makes it its own).
func (e *Engine) Restart(ctx context.Context, id string, grace time.Duration, adjust ...func(*Spec)) (task.Task, error) {
	policy, err := e.LogPolicy()
	if err != nil {
		return task.Task{}, err
	}
	t, err := e.Get(ctx, id)
	if err != nil {
		return task.Task{}, err
	}
	if lifecycle.IsLive(t.Status) {
		if _, err := e.Stop(ctx, t.ID, grace); err != nil && !errors.Is(err, task.ErrNotRunning) {
			return task.Task{}, err
		}
	}
	s := Spec{Name: t.Name, Project: t.Project, Command: t.Command, Cwd: t.Cwd, Env: task.EnvList(t.Env), EnvGiven: t.EnvGiven,
		Log: policy, Origin: t.Origin, Restart: t.RestartPolicy}
	for _, a := range adjust {
		a(&s)
	}
	if t.TTY != "" {
		s.TTY = true
		s.Size, _ = ParseTTYSize(t.TTY)
	}
	return e.Run(ctx, s)
}

// Runs returns every run of the task, oldest first: each restart is a
// new run, with its own process.
func (e *Engine) Runs(ctx context.Context, id string) ([]task.Run, error) {
	st, err := e.store(ctx)
	if err != nil {
		return nil, err
	}
	return st.Runs(ctx, id)
}

// Ports returns the sockets the task's process group listens on; empty
// (never nil) when it listens on none, does not run, or the system cannot
// tell.
func (e *Engine) Ports(t task.Task) []ports.Port {
	if t.Status != task.Running || t.PGID <= 1 {
		return []ports.Port{}
	}
	ps, err := ports.Listening(t.PGID)
	if err != nil || ps == nil {
		return []ports.Port{}
	}
	return ps
}

// Ended returns a function telling whether task id has ended for good:
// what a reader of its log asks before its last read.
func (e *Engine) Ended(ctx context.Context, id string) func() bool {
	return func() bool {
		st, err := e.store(ctx)
		if err != nil {
			return false
		}
		t, err := st.Get(ctx, id)
		if errors.Is(err, task.ErrNotFound) {
			return true // removed: nothing more will be written
		}
		if err != nil {
			return false // cannot tell (busy, or ctx ended): ask again later
		}
		return lifecycle.Reconcile(ctx, st, e.notes(), t).Status.Finished()
	}
}

// DataDir is the data directory's path: for messages, and for tests that
// set up a history by other means than the engine.
func (e *Engine) DataDir() string { return e.dir.Path }
