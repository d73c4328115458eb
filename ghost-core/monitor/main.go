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
	specFile, statusFile, err := inheritedPipes()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ghost-monitor:", err)
		return nil
	}
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
	out       *os.File // the task's stdout, or its terminal
	errOut    *os.File // the task's stderr; nil on a terminal
	log       *logs.Writer
	st        *pumpState
	pumped    <-chan struct{} // closed once the pumps have returned
	poll      *os.File        // the poll of an ordered pump, if any
	// sup is the restart policy at work; runStart when the current run
	// started; gaveUp, once the policy gave up, after how many restarts in
	// a row; lost, output an earlier run lost.
	sup      lifecycle.Supervision
	runStart time.Time
	gaveUp   int
	lost     error
}

// pending reports whether the task's output holds bytes not read yet.
func (m *running) pending() bool {
	for _, f := range []*os.File{m.out, m.errOut} {
		if f == nil {
			continue
		}
		if hasUnread(f) {
			return true
		}
	}
	return false
}

// closeOutput closes the monitor's ends of the task's output.
func (m *running) closeOutput() {
	m.out.Close()
	if m.errOut != nil {
		m.errOut.Close()
	}
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
	path, err := resolve(spec.Command[0], spec.Cwd, task.GetEnv(task.EnvMap(spec.Env), "PATH"))
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
			ID: spec.ID, Name: spec.Name, Project: spec.Project, Command: spec.Command, Cwd: spec.Cwd,
			StartedAt: time.Now(), LogPath: logs.Path(dir.LogDir(), spec.ID), Origin: spec.Origin,
		},
		Env: task.EnvMap(spec.Env), EnvGiven: spec.EnvGiven, BootID: self.BootID, MonitorPID: self.PID, MonitorStart: self.Start,
	}
	if spec.TTY {
		t.TTY = fmt.Sprintf("%dx%d", spec.Cols, spec.Rows)
	}
	t.RestartPolicy = spec.Restart
	if err := reserveRecord(dir.ExitDir(), spec.ID); err != nil {
		w.Close()
		logs.Remove(dir.LogDir(), spec.ID)
		return nil, nil, err
	}
	if err := lifecycle.Reserve(ctx, db, t); err != nil {
		w.Close()
		logs.Remove(dir.LogDir(), spec.ID)
		RemoveRecord(dir.ExitDir(), spec.ID)
		return nil, nil, err
	}
	m, err = spawn(path, spec, w)
	if err == nil {
		// Output is read from the start, while the row is written: what
		// the task writes at once is stamped with the time it wrote it,
		// and the two streams' first lines keep their order as far as
		// reads can tell it.
		m.st = newPumpState()
		m.pumped = m.startPump(m.st)
		err = lifecycle.Started(ctx, db, spec.ID, lifecycle.Run{PID: m.pid, ProcStart: m.procStart, StartedAt: time.Now()})
		if err != nil {
			killGroup(m.pid)
			m.closeOutput()
			<-m.pumped
		}
	}
	if err != nil {
		w.Close()
		lifecycle.Abandon(ctx, db, spec.ID)
		logs.Remove(dir.LogDir(), spec.ID)
		RemoveRecord(dir.ExitDir(), spec.ID)
		return nil, nil, err
	}
	m.dir = dir
	m.sup = lifecycle.Supervision{Policy: spec.Restart}
	m.runStart = time.Now()
	return m, db, nil
}

// spawn starts the command in its own process group with its output on
// pipes that the monitor drains, one for stdout and one for stderr, so that
// a slow disk never blocks the task, each byte's stream is known, and the
// monitor alone decides where the bytes go. With spec.TTY, the task gets a
// pseudo-terminal instead, as session leader, and both its streams go to
// it.
func spawn(path string, spec Spec, w *logs.Writer) (*running, error) {
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	var outR, outW, errR, errW *os.File
	if spec.TTY {
		if outR, outW, err = openTerminal(spec.Cols, spec.Rows); err != nil {
			return nil, err
		}
		errW = outW
	} else {
		if outR, outW, err = os.Pipe(); err != nil {
			return nil, fmt.Errorf("making output pipe: %w", err)
		}
		if errR, errW, err = os.Pipe(); err != nil {
			outR.Close()
			outW.Close()
			return nil, fmt.Errorf("making output pipe: %w", err)
		}
		defer errW.Close()
		growPipe(outR)
		growPipe(errR)
	}
	defer outW.Close()
	closeReaders := func() {
		outR.Close()
		if errR != nil {
			errR.Close()
		}
	}
	pid, err := spawnProcess(path, spec, devnull, outW, errW)
	if err != nil {
		closeReaders()
		return nil, err
	}
	id, err := proc.Lookup(pid)
	if err != nil {
		// It exited already and was not reaped, so it must still be there;
		// anything else is a system we do not understand.
		killGroup(pid)
		reap(pid)
		closeReaders()
		return nil, fmt.Errorf("identifying started process: %w", err)
	}
	return &running{spec: spec, pid: pid, procStart: id.Start, out: outR, errOut: errR, log: w}, nil
}

// A monitor whose task has run for shedAge, with output quiet for
// shedQuiet, re-executes itself to wait in a fresh image (see shed). Short
// tasks end first and never pay for it; a task that floods its output
// keeps its monitor as it is, so the stream is never held up.
const (
	shedAge   = time.Second
	shedQuiet = 250 * time.Millisecond
)

// supervise drains output until the task ends, then records the end, or,
// as the task's restart policy asks, starts it again and goes on. When
// mayShed, it hands the waiting over to a fresh image once it can.
func (m *running) supervise(mayShed bool) {
	for {
		end, st, pumped := m.awaitRun(mayShed)
		switch m.restart(end, st, pumped) {
		case restarted:
			mayShed = true
			continue
		case finished:
			return
		}
		m.finish(end, st, pumped)
		return
	}
}

// awaitRun drains output until the current run ends and returns how it
// ended, with the state of the pumps still reading its output.
func (m *running) awaitRun(mayShed bool) (task.End, *pumpState, <-chan struct{}) {
	st, pumped := m.st, m.pumped
	m.st, m.pumped = nil, nil
	if st == nil { // the next image: pumps start again here
		st = newPumpState()
		pumped = m.startPump(st)
	}
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
	noted := ""
	for waiting := true; waiting; {
		select {
		case end = <-exited:
			waiting = false
		case <-st.trouble:
			noted = m.noteTrouble(noted)
		case <-check:
			if time.Since(born) < shedAge || !st.quietFor(shedQuiet) {
				continue
			}
			// The pumps stop between reads; what the task writes meanwhile
			// waits in the pipe for the next image.
			m.setReadDeadline(time.Now())
			<-pumped
			if st.failure() == nil {
				shed(m) // returns only if the exec failed
			}
			check = nil
			m.setReadDeadline(time.Time{})
			pumped = m.startPump(st)
		}
	}
	return end, st, pumped
}

// finish records the end of the task's last run: it drains the rest of
// the output, closes the log, records the end and reaps the process.
func (m *running) finish(end task.End, st *pumpState, pumped <-chan struct{}) {
	end.GaveUp = m.gaveUp
	if othersInGroup(m.pid) {
		m.recordAndLinger(end, st, pumped)
		return
	}
	logErr := drain(st, pumped, m.pending)
	if logErr == nil {
		logErr = m.lost
	}
	if st.busy() {
		// A write outlasted the drain's bound: the end is recorded now,
		// not once the log is done (closing waits for that write).
		m.recordAndClose(end, logErr)
		return
	}
	if err := m.log.Close(); err != nil && logErr == nil {
		logErr = fmt.Errorf("closing log: %w", err)
	}
	end.LogError = m.log.Trouble()
	if logErr != nil {
		if end.LogError != "" {
			end.LogError += "; "
		}
		end.LogError += "output lost: " + logErr.Error()
	}
	m.record(end)
	reap(m.pid)
}

// noteTrouble records in the task's row, while it runs, what the log
// writer had to work around (its file deleted), so status and log show it
// at once. It returns what is recorded.
func (m *running) noteTrouble(noted string) string {
	trouble := m.log.Trouble()
	if trouble == "" || trouble == noted {
		return noted
	}
	db, err := store.Open(context.Background(), m.dir.DatabasePath())
	if err != nil {
		return noted
	}
	defer db.Close()
	if db.SetLogError(context.Background(), m.spec.ID, trouble) != nil {
		return noted
	}
	return trouble
}

func (m *running) setReadDeadline(t time.Time) {
	if m.poll != nil {
		m.poll.SetReadDeadline(t)
		return
	}
	m.out.SetReadDeadline(t)
	if m.errOut != nil {
		m.errOut.SetReadDeadline(t)
	}
}

// startPump starts reading the task's output: both pipes in one ordered
// pump where the system allows, else a pump for each; the channel closes
// once reading has stopped.
func (m *running) startPump(st *pumpState) <-chan struct{} {
	pumped := make(chan struct{})
	if m.errOut != nil && m.poll == nil {
		m.poll, _ = orderedPoll(m.out, m.errOut)
	}
	if m.poll != nil {
		go func() { pumpOrdered(m.poll, m.out, m.errOut, m.log, st); close(pumped) }()
		return pumped
	}
	var wg sync.WaitGroup
	wg.Go(func() { pump(m.out, logs.Stdout, m.log, st) })
	if m.errOut != nil {
		wg.Go(func() { pump(m.errOut, logs.Stderr, m.log, st) })
	}
	go func() { wg.Wait(); close(pumped) }()
	return pumped
}

// pumpState is shared by the pumps and the monitor's main goroutine.
type pumpState struct {
	mu      sync.Mutex
	closed  bool      // the end is being recorded: write nothing more
	last    time.Time // when output last arrived
	err     error     // the first error writing the log: output lost
	writing int       // writes to the log under way
	trouble chan struct{}
}

// busy reports whether a write to the log is still under way: one slow
// enough (a log rotating at every byte) to outlast the drain.
func (st *pumpState) busy() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.writing > 0
}

func newPumpState() *pumpState {
	return &pumpState{last: time.Now(), trouble: make(chan struct{}, 1)}
}

// quietFor reports whether no output has arrived for d, nor is being
// written: a hand-over waits for the pumps, which finish their write first.
func (st *pumpState) quietFor(d time.Duration) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.writing == 0 && time.Since(st.last) >= d
}

// failure is the error that lost output, if any.
func (st *pumpState) failure() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// pump moves one stream of the task's output into the log in reads of a
// large buffer, each stamped with the time it was read, through the
// runtime's poller: no thread sits blocked in read while the task is
// quiet, and a read deadline stops the pump between reads. It returns at
// the first read error (the end of output, or that deadline; a terminal
// whose task is gone reads as EIO). It never stops reading otherwise while
// the task runs: if the log cannot be written (disk full), output is read
// and dropped, not left to fill the pipe and block the task.
func pump(r *os.File, stream logs.Stream, w *logs.Writer, st *pumpState) {
	buf := make([]byte, 128<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 && st.take(w, stream, time.Now(), buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// take writes one read of stream into the log, unless the end is being
// recorded (then it reports true: stop) or output is already being lost.
// The writer has its own lock: the state's is not held across a slow
// write. A write after the end closed the writer fails and is not
// counted.
func (st *pumpState) take(w *logs.Writer, stream logs.Stream, at time.Time, p []byte) (stop bool) {
	st.mu.Lock()
	closed, failed := st.closed, st.err != nil
	if !closed {
		st.last = at
		if !failed {
			st.writing++
		}
	}
	st.mu.Unlock()
	if closed {
		return true
	}
	if failed {
		return false
	}
	before := w.Trouble()
	if _, err := w.WriteStream(stream, at, p); err != nil {
		st.mu.Lock()
		if st.err == nil && !st.closed {
			st.err = err
		}
		st.mu.Unlock()
	}
	st.mu.Lock()
	st.last = time.Now() // a slow write (a rotation) is not quiet either
	st.writing--
	st.mu.Unlock()
	if w.Trouble() != before {
		select {
		case st.trouble <- struct{}{}:
		default:
		}
	}
	return false
}

// drain waits, once the task has ended, for the pumps to read the rest of
// its output: until EOF, or until the pipes (held open by children the
// task left behind) stay quiet for drainIdle, or drainMax in all. Then it
// stops the pumps from writing and returns the error that lost output, if
// any. Pipes that still hold bytes are never quiet: on a busy machine the
// pumps may not run for longer than drainIdle, and what the task wrote
// before it ended must not be dropped for that.
func drain(st *pumpState, pumped <-chan struct{}, pending func() bool) error {
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
			quiet := st.writing == 0 && time.Since(st.last) >= drainIdle
			st.mu.Unlock()
			if (!quiet || pending()) && time.Now().Before(end) {
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
	st, err := store.Open(context.Background(), m.dir.DatabasePath())
	if err != nil {
		// The record stands in for the row until a reader folds it in.
		noteUnwritten(exitDir, m.spec.ID, end, err)
		return
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := lifecycle.Ended(ctx, st, m.spec.ID, end); err != nil {
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
