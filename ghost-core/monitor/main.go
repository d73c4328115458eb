package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/lifecycle"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// After the task's process ends, its output is read to EOF. Children it
// left behind may hold the pipe open, so reading also stops once the pipe
// stays empty for drainIdle, or after drainMax in all: then the end is
// recorded even if a leftover child keeps writing.
const (
	drainIdle = 200 * time.Millisecond
	drainMax  = 5 * time.Second
)

// Main is the monitor's whole life. It returns the monitor's exit status.
func Main() int {
	if os.Args[1] == markerWaitArg {
		return waitMain(os.Args[2:])
	}
	// Signals aimed at a session or terminal are not for us: the task must
	// be watched to its end. Handlers (not SIG_IGN) are installed so the
	// task, which inherits dispositions across exec, gets the defaults.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT)
	go func() {
		for range sigs {
		}
	}()
	// Starting runs on a goroutine of its own: the stack that opening the
	// database grows goes away with it instead of staying with the monitor.
	started := make(chan *running)
	go func() { started <- begin() }()
	m := <-started
	if m == nil {
		return 1
	}
	settle()
	m.supervise(true)
	return 0
}

// begin reads the spec, starts the task and tells the launcher how that
// went. It returns nil when the task did not start.
func begin() *running {
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	specFile := os.NewFile(3, "spec")
	statusFile := os.NewFile(4, "status")
	spec, err := decodeSpec(specFile)
	specFile.Close()
	if err != nil {
		sendReport(statusFile, errorReport(fmt.Errorf("reading task spec: %w", err)))
		return nil
	}
	m, st, err := start(spec)
	if err != nil {
		sendReport(statusFile, errorReport(err))
		return nil
	}
	sendReport(statusFile, report{PID: m.pid, ProcStart: m.procStart})
	// Closed once the launcher is released, as closing may checkpoint;
	// closed at all so the monitor stays small while the task runs.
	st.Close()
	return m
}

// settle gives back what starting took (the database, the spec, the
// stack) before the wait, and from then on collects often: the hand-over
// to a fresh image comes only once the task has run a while and may never
// come (a task that floods its output), and a monitor lives as long as its
// task.
func settle() {
	debug.SetGCPercent(20)
	debug.FreeOSMemory()
	trimMalloc()
}

func sendReport(f *os.File, r report) {
	// The launcher may be gone (killed): the task goes on regardless.
	json.NewEncoder(f).Encode(r)
	f.Close()
}

type running struct {
	spec      Spec
	dir       datadir.Dir
	pid       int
	procStart uint64
	out       *os.File
	log       *logs.Writer
}

// start does everything up to a running, recorded task and returns the
// database still open. On failure it leaves nothing behind: no row, no log,
// no open database.
func start(spec Spec) (m *running, _ *store.Store, err error) {
	if len(spec.Command) == 0 {
		return nil, nil, wrapf(ErrCommandNotFound, "no command given")
	}
	if err := checkCwd(spec.Cwd); err != nil {
		return nil, nil, err
	}
	path, err := resolve(spec.Command[0], spec.Cwd, task.EnvMap(spec.Env)["PATH"])
	if err != nil {
		return nil, nil, err
	}
	dir, err := datadir.Open(spec.DataDir)
	if err != nil {
		return nil, nil, err
	}
	self, err := proc.Lookup(os.Getpid())
	if err != nil {
		return nil, nil, err
	}
	db, err := store.Open(context.Background(), dir.DatabasePath())
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	ctx := context.Background()
	w, err := logs.Create(dir.LogDir(), spec.ID, spec.Log)
	if err != nil {
		return nil, nil, err
	}
	t := task.Task{
		Listing: task.Listing{
			ID: spec.ID, Name: spec.Name, Command: spec.Command, Cwd: spec.Cwd,
			StartedAt: time.Now(), LogPath: logs.Path(dir.LogDir(), spec.ID),
		},
		Env: task.EnvMap(spec.Env), BootID: self.BootID, MonitorPID: self.PID, MonitorStart: self.Start,
	}
	if err := lifecycle.Reserve(ctx, db, t); err != nil {
		w.Close()
		logs.Remove(dir.LogDir(), spec.ID)
		return nil, nil, err
	}
	m, err = spawn(path, spec, w)
	if err == nil {
		err = lifecycle.Started(ctx, db, spec.ID, lifecycle.Run{PID: m.pid, ProcStart: m.procStart, StartedAt: time.Now()})
		if err != nil {
			syscall.Kill(-m.pid, syscall.SIGKILL)
			m.out.Close()
		}
	}
	if err != nil {
		w.Close()
		lifecycle.Abandon(ctx, db, spec.ID)
		logs.Remove(dir.LogDir(), spec.ID)
		return nil, nil, err
	}
	m.dir = dir
	return m, db, nil
}

// spawn starts the command in its own process group with its output on a
// pipe that the monitor drains, so that a slow disk never blocks the task
// and the monitor alone decides where the bytes go.
func spawn(path string, spec Spec, w *logs.Writer) (*running, error) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("making output pipe: %w", err)
	}
	defer outW.Close()
	growPipe(outR)
	// syscall.ForkExec rather than os.StartProcess: no pidfd, and no probe
	// for one, on the path `ghost run` waits on. waitExit and reap need only
	// the pid.
	pid, err := syscall.ForkExec(path, spec.Command, &syscall.ProcAttr{
		Dir:   spec.Cwd,
		Env:   spec.Env,
		Files: []uintptr{devnull.Fd(), outW.Fd(), outW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		outR.Close()
		return nil, classifyExecError(spec.Command[0], err)
	}
	id, err := proc.Lookup(pid)
	if err != nil {
		// It exited already and was not reaped, so it must still be there;
		// anything else is a system we do not understand.
		syscall.Kill(pid, syscall.SIGKILL)
		reap(pid)
		outR.Close()
		return nil, fmt.Errorf("identifying started process: %w", err)
	}
	return &running{spec: spec, pid: pid, procStart: id.Start, out: outR, log: w}, nil
}

func classifyExecError(name string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT):
		return wrapf(ErrCommandNotFound, "%s", name)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.ENOEXEC), errors.Is(err, syscall.EISDIR):
		return wrapf(ErrNotExecutable, "%s", name)
	}
	return fmt.Errorf("starting %s: %w", name, err)
}

// A monitor whose task has run for shedAge, with output quiet for
// shedQuiet, re-executes itself to wait in a fresh image (see shed). Short
// tasks end first and never pay for it; a task that floods its output
// keeps its monitor as it is, so the stream is never held up.
const (
	shedAge   = time.Second
	shedQuiet = 250 * time.Millisecond
)

// supervise drains output until the task ends, then records the end. When
// mayShed, it hands the waiting over to a fresh image once it can.
func (m *running) supervise(mayShed bool) {
	st := &pumpState{last: time.Now()}
	pumped := m.startPump(st)
	exited := make(chan task.End, 1)
	go func() { exited <- waitExit(m.pid) }()
	var check <-chan time.Time
	if mayShed {
		tick := time.NewTicker(shedQuiet / 2)
		defer tick.Stop()
		check = tick.C
	}
	born := time.Now()
	var end task.End
	for waiting := true; waiting; {
		select {
		case end = <-exited:
			waiting = false
		case <-check:
			if time.Since(born) < shedAge || !st.quietFor(shedQuiet) {
				continue
			}
			// The pump stops between reads; what the task writes meanwhile
			// waits in the pipe for the next image.
			m.out.SetReadDeadline(time.Now())
			<-pumped
			if st.failure() == nil {
				shed(m) // returns only if the exec failed
			}
			check = nil
			m.out.SetReadDeadline(time.Time{})
			pumped = m.startPump(st)
		}
	}
	logErr := drain(st, pumped)
	if err := m.log.Close(); err != nil && logErr == nil {
		logErr = fmt.Errorf("closing log: %w", err)
	}
	if logErr != nil {
		end.LogError = "output lost: " + logErr.Error()
	}
	m.record(end)
	reap(m.pid)
}

func (m *running) startPump(st *pumpState) <-chan struct{} {
	pumped := make(chan struct{})
	go func() { pump(m.out, m.log, st); close(pumped) }()
	return pumped
}

// pumpState is shared by the pump and the monitor's main goroutine.
type pumpState struct {
	mu     sync.Mutex
	closed bool      // the end is being recorded: write nothing more
	last   time.Time // when output last arrived
	err    error     // the first error writing the log: output lost
}

// quietFor reports whether no output has arrived for d.
func (st *pumpState) quietFor(d time.Duration) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return time.Since(st.last) >= d
}

// failure is the error that lost output, if any.
func (st *pumpState) failure() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// pump moves the task's output into the log in reads of a large buffer,
// through the runtime's poller: no thread sits blocked in read while the
// task is quiet, and a read deadline stops the pump between reads. It
// returns at the first read error (the end of output, or that deadline).
// It never stops reading otherwise while the task runs: if the log cannot
// be written (disk full), output is read and dropped, not left to fill the
// pipe and block the task.
func pump(r *os.File, w *logs.Writer, st *pumpState) {
	buf := make([]byte, 128<<10)
	for {
		n, err := r.Read(buf)
		st.mu.Lock()
		closed := st.closed
		if n > 0 && !closed {
			st.last = time.Now()
			if st.err == nil {
				if _, werr := w.Write(buf[:n]); werr != nil {
					st.err = werr
				}
			}
		}
		st.mu.Unlock()
		if err != nil || closed {
			return
		}
	}
}

// drain waits, once the task has ended, for the pump to read the rest of
// its output: until EOF, or until the pipe (held open by children the task
// left behind) stays quiet for drainIdle, or drainMax in all. Then it stops
// the pump from writing and returns the error that lost output, if any.
func drain(st *pumpState, pumped <-chan struct{}) error {
	end := time.Now().Add(drainMax)
	st.mu.Lock()
	st.last = time.Now()
	st.mu.Unlock()
	tick := time.NewTicker(drainIdle / 4)
	defer tick.Stop()
	for {
		select {
		case <-pumped:
		case <-tick.C:
			st.mu.Lock()
			quiet := time.Since(st.last) >= drainIdle
			st.mu.Unlock()
			if !quiet && time.Now().Before(end) {
				continue
			}
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		st.closed = true
		return st.err
	}
}

// record writes the end down: first as a file in the exit directory, then into
// the database; the file goes once the database has it.
func (m *running) record(end task.End) {
	exitDir := m.dir.ExitDir()
	recErr := writeRecord(exitDir, m.spec.ID, end)
	st, err := store.Open(context.Background(), m.dir.DatabasePath())
	if err != nil {
		return // the record stands in for the row until a reader folds it in
	}
	defer st.Close()
	if _, err := lifecycle.Ended(context.Background(), st, m.spec.ID, end); err == nil && recErr == nil {
		RemoveRecord(exitDir, m.spec.ID)
	}
}
