package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/ghostproject/ghost/ghost-core/datadir"
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
	db, err := store.Open(dir.DatabasePath())
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
		ID: spec.ID, Name: spec.Name, Project: spec.Project, Command: spec.Command, Env: task.EnvMap(spec.Env), Cwd: spec.Cwd,
		StartedAt: time.Now(), LogPath: logs.Path(dir.LogDir(), spec.ID),
		BootID: self.BootID, MonitorPID: self.PID, MonitorStart: self.Start,
	}
	if err := reserveRecord(dir.ExitDir(), spec.ID); err != nil {
		w.Close()
		logs.Remove(dir.LogDir(), spec.ID)
		return nil, nil, err
	}
	if err := db.Reserve(ctx, t, Alive); err != nil {
		w.Close()
		logs.Remove(dir.LogDir(), spec.ID)
		RemoveRecord(dir.ExitDir(), spec.ID)
		return nil, nil, err
	}
	m, err = spawn(path, spec, w)
	if err == nil {
		err = db.SetStarted(ctx, spec.ID, m.pid, m.pid, m.procStart, time.Now())
		if err != nil {
			syscall.Kill(-m.pid, syscall.SIGKILL)
			m.out.Close()
		}
	}
	if err != nil {
		w.Close()
		db.Delete(ctx, spec.ID)
		logs.Remove(dir.LogDir(), spec.ID)
		RemoveRecord(dir.ExitDir(), spec.ID)
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
	pid, err := forkExec(path, spec.Command, &syscall.ProcAttr{
		Dir:   spec.Cwd,
		Env:   spec.Env,
		Files: []uintptr{devnull.Fd(), outW.Fd(), outW.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		outR.Close()
		return nil, classifyExecError(spec.Command[0], path, err)
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
	if othersInGroup(m.pid) {
		m.recordAndLinger(end, st, pumped)
		return
	}
	logErr := drain(st, pumped)
	if st.writesDone(drainIdle) {
		if err := m.log.Close(); err != nil && logErr == nil {
			logErr = fmt.Errorf("closing log: %w", err)
		}
	}
	if logErr != nil {
		end.LogError = "output lost: " + logErr.Error()
	}
	m.record(end)
	// A write slow enough to outlast the drain (a log rotating at every
	// byte) ends after the record: the end is never held up by the log.
	if st.writesDone(0) {
		m.log.Close()
	}
	reap(m.pid)
}

func (m *running) startPump(st *pumpState) <-chan struct{} {
	pumped := make(chan struct{})
	go func() { pump(m.out, m.log, st); close(pumped) }()
	return pumped
}

// pumpState is shared by the pump and the monitor's main goroutine. The
// lock is never held across a write to the log, which may be slow (a full
// disk, a log rotating at every byte): the drain's bound holds however
// slow the log is.
type pumpState struct {
	mu      sync.Mutex
	closed  bool      // the end is being recorded: write nothing more
	last    time.Time // when output last arrived
	err     error     // the first error writing the log: output lost
	writing bool      // a write to the log is under way
	wrote   *sync.Cond
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

// arrived notes output read from the task and reports whether it may be
// written (the end is not being recorded yet).
func (st *pumpState) arrived() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.last = time.Now()
	return !st.closed
}

// write writes p to the log unless the end is being recorded or the log
// already failed, and reports whether the pump may go on.
func (st *pumpState) write(w *logs.Writer, p []byte) bool {
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return false
	}
	if st.err != nil {
		st.mu.Unlock()
		return true // output is read and dropped: the task never blocks
	}
	st.writing = true
	st.mu.Unlock()
	_, err := w.Write(p)
	st.mu.Lock()
	if err != nil && st.err == nil {
		st.err = err
	}
	st.writing = false
	st.last = time.Now() // quiet counts from the end of the last write
	if st.wrote != nil {
		st.wrote.Broadcast()
	}
	st.mu.Unlock()
	return true
}

// writesDone waits up to d (forever if 0) for a write under way to end,
// and reports whether none is. Call it once closed is set.
func (st *pumpState) writesDone(d time.Duration) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.wrote == nil {
		st.wrote = sync.NewCond(&st.mu)
	}
	if d > 0 {
		t := time.AfterFunc(d, func() {
			st.mu.Lock()
			st.wrote.Broadcast()
			st.mu.Unlock()
		})
		defer t.Stop()
		deadline := time.Now().Add(d)
		for st.writing && time.Now().Before(deadline) {
			st.wrote.Wait()
		}
		return !st.writing
	}
	for st.writing {
		st.wrote.Wait()
	}
	return true
}

// pumpChunk bounds one write to the log, so that the pump sees the end
// being recorded soon even when the log is slow.
const pumpChunk = 16 << 10

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
		if n > 0 && !st.arrived() {
			return
		}
		for off := 0; off < n; off += pumpChunk {
			if !st.write(w, buf[off:min(off+pumpChunk, n)]) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// drain waits, once the task has ended, for the pump to read the rest of
// its output: until EOF, or until the pipe (held open by children the task
// left behind) stays quiet for drainIdle (nothing read, nothing being
// written), or drainMax in all, however slow the log. Then it stops the
// pump from writing and returns the error that lost output, if any.
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
			quiet := !st.writing && time.Since(st.last) >= drainIdle
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
	if _, err := os.Lstat(m.dir.DatabasePath()); err != nil {
		return // moved away: never create an empty one in its place
	}
	st, err := store.Open(m.dir.DatabasePath())
	if err != nil {
		// The record stands in for the row until a reader folds it in.
		noteUnwritten(exitDir, m.spec.ID, end, err)
		return
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Finish(ctx, m.spec.ID, end); err != nil {
		noteUnwritten(exitDir, m.spec.ID, end, err)
	} else if recErr == nil && Applied(ctx, st, m.spec.ID) {
		RemoveRecord(exitDir, m.spec.ID)
	}
}

// noteUnwritten adds to the exit record why the database does not have
// the end (a full disk: "database or disk is full"), so that status names
// the cause rather than leave the reader to guess.
func noteUnwritten(exitDir, id string, end task.End, err error) {
	note := "end not written to the database: " + err.Error()
	if end.LogError != "" {
		note = end.LogError + "; " + note
	}
	end.LogError = note
	writeRecord(exitDir, id, end)
}

// Applied reports whether the database holds task id as ended, so that
// its exit record may go. Finish changing no row is not enough: the file
// may be another one (tasks.db moved away and back, restored from a
// backup) that lacks the task, and the record is then all there is.
func Applied(ctx context.Context, st *store.Store, id string) bool {
	t, err := st.Get(ctx, id)
	return err == nil && t.Status.Finished()
}
