package monitor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// How a task runs on Windows:
//
//   - The monitor is ghost.exe re-executed with DETACHED_PROCESS (no
//     console: closing the caller's terminal cannot reach it),
//     CREATE_NEW_PROCESS_GROUP (the caller's Ctrl+C is not its) and
//     CREATE_BREAKAWAY_FROM_JOB (a CI step or terminal that ends its job
//     does not end the task), dropped when the caller's job forbids it.
//   - The task starts suspended, with a console of its own and no window
//     (CREATE_NO_WINDOW), is put into a Job Object only the monitor holds,
//     and only then runs: every process it starts is in the job.
//   - The job is made with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: when the
//     monitor dies, Windows ends the task and everything it started. A task
//     whose output nobody drains and whose end nobody records is not left
//     running unseen; its end is recorded as unknown by the next reader.
//   - Signals are requests: `ghost stop`/`kill` set a named event
//     (proc.RequestName) that the monitor waits on. INT sends
//     CTRL_C_EVENT and TERM CTRL_BREAK_EVENT to the task's console, which
//     the monitor attaches to; KILL terminates the job with an exit code
//     that says so (proc.KilledExitCode).

// A winTask is what the monitor holds of its task.
type winTask struct {
	process *os.Process
	job     windows.Handle
	// requested is the signal last delivered, for naming how the task
	// ended when it ends by a console control event.
	requested atomic.Int32
	stop      windows.Handle // set to end serveRequests
}

var (
	tasksMu sync.Mutex
	tasks   = map[int]*winTask{}
)

func lookupTask(pid int) *winTask {
	tasksMu.Lock()
	defer tasksMu.Unlock()
	return tasks[pid]
}

func executable() (string, error) { return os.Executable() }

func trimMalloc() {}

func growPipe(*os.File) {}

// openTerminal would give a --tty task a pseudo console; Windows' is not
// wired up yet, so such a task is refused before anything starts.
func openTerminal(cols, rows uint16) (master, slave *os.File, err error) {
	return nil, nil, errors.New("--tty is not supported on Windows yet")
}

// shed hands the wait over to a fresh image on Unix; Windows has no exec
// that keeps the pid, so the monitor waits as it is.
func shed(*running) {}

// spawnProcess starts the task's process in a job of its own and returns
// its pid once it runs.
func spawnProcess(path string, spec Spec, devnull, out, errOut *os.File) (int, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, fmt.Errorf("making the task's job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return 0, fmt.Errorf("setting up the task's job object: %w", err)
	}
	// The monitor was made a process group of its own, which also turns
	// Ctrl+C off for it and for what it starts: turn it back on, for the
	// task to inherit (the monitor itself ignores it through os/signal).
	procSetConsoleCtrlHandler.Call(0, 0)
	p, err := os.StartProcess(path, spec.Command, &os.ProcAttr{
		Dir:   spec.Cwd,
		Env:   spec.Env,
		Files: []*os.File{devnull, out, errOut},
		Sys: &syscall.SysProcAttr{
			CreationFlags: windows.CREATE_SUSPENDED | windows.CREATE_NO_WINDOW | windows.CREATE_UNICODE_ENVIRONMENT,
		},
	})
	if err != nil {
		windows.CloseHandle(job)
		return 0, classifyExecError(spec.Command[0], path, err)
	}
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(p.Pid))
	if err == nil {
		err = windows.AssignProcessToJobObject(job, h)
		windows.CloseHandle(h)
	}
	if err == nil {
		err = resumeProcess(uint32(p.Pid))
	}
	if err != nil {
		p.Kill()
		p.Wait()
		windows.CloseHandle(job)
		return 0, fmt.Errorf("starting %s: %w", spec.Command[0], err)
	}
	t := &winTask{process: p, job: job}
	tasksMu.Lock()
	tasks[p.Pid] = t
	tasksMu.Unlock()
	if id, err := proc.Lookup(p.Pid); err == nil {
		serveRequests(p.Pid, id.Start)
	}
	return p.Pid, nil
}

// resumeProcess starts the threads of a process made suspended (only its
// first thread exists): os.StartProcess closes the thread handle it got.
func resumeProcess(pid uint32) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(snap)
	var e windows.ThreadEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	resumed := false
	for err = windows.Thread32First(snap, &e); err == nil; err = windows.Thread32Next(snap, &e) {
		if e.OwnerProcessID != pid {
			continue
		}
		th, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, e.ThreadID)
		if err != nil {
			return err
		}
		_, err = windows.ResumeThread(th)
		windows.CloseHandle(th)
		if err != nil {
			return err
		}
		resumed = true
	}
	if !resumed {
		return errors.New("no thread to resume")
	}
	return nil
}

var (
	kernel32                     = windows.NewLazySystemDLL("kernel32.dll")
	procAttachConsole            = kernel32.NewProc("AttachConsole")
	procFreeConsole              = kernel32.NewProc("FreeConsole")
	procGenerateConsoleCtrlEvent = kernel32.NewProc("GenerateConsoleCtrlEvent")
	procSetConsoleCtrlHandler    = kernel32.NewProc("SetConsoleCtrlHandler")
)

// consoleEvent sends a console control event to every process on the
// console of process pid, which the monitor (having no console of its
// own) joins for this, and leaves at once: a process still on a console
// when it closes (the task's job terminated, its console host with it)
// gets CTRL_CLOSE_EVENT and is ended by Windows, handler or not. Group 0
// is everything on that console: the task's processes, and the monitor,
// which ignores it.
func consoleEvent(pid int, event uint32) error {
	if r, _, err := procAttachConsole.Call(uintptr(pid)); r == 0 {
		// The task's first process may have ended, leaving others on its
		// console: join that through one of them.
		joined := false
		if pids, perr := proc.GroupMembers(pid); perr == nil {
			for _, p := range pids {
				if r, _, _ := procAttachConsole.Call(uintptr(p)); r != 0 {
					joined = true
					break
				}
			}
		}
		if !joined {
			return fmt.Errorf("joining the task's console: %w", err)
		}
	}
	defer procFreeConsole.Call()
	if r, _, err := procGenerateConsoleCtrlEvent.Call(uintptr(event), 0); r == 0 {
		return fmt.Errorf("sending the console event: %w", err)
	}
	return nil
}

// serveRequests delivers the signals others ask for (see proc.SignalGroup)
// until the task ends.
func serveRequests(pid int, start uint64) {
	t := lookupTask(pid)
	if t == nil {
		return
	}
	id := proc.Identity{PID: pid, Start: start}
	sigs := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL}
	var events []windows.Handle
	for _, sig := range sigs {
		name, err := windows.UTF16PtrFromString(proc.RequestName(id, sig))
		if err != nil {
			return
		}
		// Auto-reset: each request is delivered once.
		ev, err := windows.CreateEvent(nil, 0, 0, name)
		if err != nil {
			return
		}
		events = append(events, ev)
	}
	stop, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return
	}
	t.stop = stop
	go func() {
		defer func() {
			for _, ev := range events {
				windows.CloseHandle(ev)
			}
		}()
		all := append(append([]windows.Handle(nil), events...), stop)
		for {
			i, err := windows.WaitForMultipleObjects(all, false, windows.INFINITE)
			if err != nil || int(i-windows.WAIT_OBJECT_0) >= len(sigs) {
				return
			}
			t.deliver(sigs[i-windows.WAIT_OBJECT_0])
		}
	}()
}

// deliver carries out one request on the task.
func (t *winTask) deliver(sig syscall.Signal) {
	t.requested.Store(int32(sig))
	switch sig {
	case syscall.SIGKILL:
		windows.TerminateJobObject(t.job, proc.KilledExitCode(sig))
	case syscall.SIGINT:
		consoleEvent(t.process.Pid, windows.CTRL_C_EVENT)
	case syscall.SIGTERM:
		consoleEvent(t.process.Pid, windows.CTRL_BREAK_EVENT)
	}
}

// statusControlCExit is how a process that a console control event ended
// exits (STATUS_CONTROL_C_EXIT).
const statusControlCExit = 0xC000013A

func waitExit(pid int) task.End {
	t := lookupTask(pid)
	if t == nil {
		return task.End{Status: task.Unknown, FinishedAt: time.Now()}
	}
	ps, err := t.process.Wait()
	now := time.Now()
	if err != nil {
		return task.End{Status: task.Unknown, FinishedAt: now}
	}
	code := uint32(ps.ExitCode())
	if sig, ok := proc.KilledBy(code); ok {
		return task.End{Status: task.Killed, Signal: proc.SignalName(sig), FinishedAt: now}
	}
	if sig := syscall.Signal(t.requested.Load()); code == statusControlCExit && sig != 0 {
		return task.End{Status: task.Killed, Signal: proc.SignalName(sig), FinishedAt: now}
	}
	c := int(code)
	return task.End{Status: task.Exited, ExitCode: &c, FinishedAt: now}
}

// reap lets go of the task's job: whatever of it still runs (children the
// task left behind) ends with it, as the job is killed on close.
func reap(pid int) {
	tasksMu.Lock()
	t := tasks[pid]
	delete(tasks, pid)
	tasksMu.Unlock()
	if t != nil {
		// Requests are served until here: processes the task left behind
		// are still its own while the monitor lingers for them.
		if t.stop != 0 {
			windows.SetEvent(t.stop)
		}
		windows.CloseHandle(t.job)
		t.process.Release()
	}
}

// killGroup ends the task at once (the Unix kill(-pid, SIGKILL)).
func killGroup(pid int) {
	if t := lookupTask(pid); t != nil {
		windows.TerminateJobObject(t.job, proc.KilledExitCode(syscall.SIGKILL))
	}
}

// classifyExecError says why starting path (argv0 name) failed, as a
// shell would: not found (127), or there but not a program Windows can run
// (126).
func classifyExecError(name, path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return wrapf(ErrCommandNotFound, "%s", name)
	case errors.Is(err, windows.ERROR_BAD_EXE_FORMAT), errors.Is(err, windows.ERROR_ACCESS_DENIED),
		errors.Is(err, windows.ERROR_EXE_MACHINE_TYPE_MISMATCH), errors.Is(err, windows.ERROR_DIRECTORY):
		return wrapf(ErrNotExecutable, "%s", name)
	}
	return fmt.Errorf("starting %s: %w", name, err)
}

// startMonitor runs exe as a detached monitor that reads the spec from
// specR and reports on statusW, whose handles it finds in its arguments.
func startMonitor(exe string, args []string, env []string, specR, statusW *os.File) (wait func() error, err error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	handles := []syscall.Handle{syscall.Handle(specR.Fd()), syscall.Handle(statusW.Fd())}
	for _, h := range handles {
		if err := windows.SetHandleInformation(windows.Handle(h), windows.HANDLE_FLAG_INHERIT, windows.HANDLE_FLAG_INHERIT); err != nil {
			return nil, err
		}
	}
	args = append(args, strconv.FormatUint(uint64(handles[0]), 10), strconv.FormatUint(uint64(handles[1]), 10))
	flags := uint32(windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_UNICODE_ENVIRONMENT)
	start := func(extra uint32) (*os.Process, error) {
		return os.StartProcess(exe, args, &os.ProcAttr{
			Env:   env,
			Files: []*os.File{devnull, devnull, devnull},
			Sys:   &syscall.SysProcAttr{CreationFlags: flags | extra, AdditionalInheritedHandles: handles},
		})
	}
	p, err := start(windows.CREATE_BREAKAWAY_FROM_JOB)
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		// The caller's job does not allow breaking away: the monitor stays
		// in it, and ends with it.
		p, err = start(0)
	}
	if err != nil {
		return nil, err
	}
	return func() error {
		ps, err := p.Wait()
		if err != nil {
			return err
		}
		if ps.ExitCode() != 0 {
			return fmt.Errorf("monitor exited with status %d", ps.ExitCode())
		}
		return nil
	}, nil
}

// inheritedPipes are the spec and status pipes startMonitor handed down,
// named by the arguments after the task id.
func inheritedPipes() (spec, status *os.File, err error) {
	if len(os.Args) < 5 {
		return nil, nil, errors.New("no pipes given")
	}
	var hs [2]uintptr
	for i, a := range os.Args[3:5] {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("pipe handle %q: %w", a, err)
		}
		hs[i] = uintptr(n)
		// Not handed further down, to the task.
		windows.SetHandleInformation(windows.Handle(n), windows.HANDLE_FLAG_INHERIT, 0)
	}
	return os.NewFile(hs[0], "spec"), os.NewFile(hs[1], "status"), nil
}

// markerWaitArg names the Unix monitor's second image, which Windows does
// not have.
const markerWaitArg = "__ghost_monitor_wait"

func waitMain([]string) int {
	fmt.Fprintln(os.Stderr, "ghost-monitor: no second image on Windows")
	return 2
}

// maxExitCode is the largest exit code a process can have: Windows keeps
// 32 bits (NTSTATUS values such as 0xC0000005 among them).
const maxExitCode = 1<<32 - 1

var procPeekNamedPipe = kernel32.NewProc("PeekNamedPipe")

// hasUnread reports whether a pipe holds bytes not read yet.
func hasUnread(f *os.File) bool {
	var avail uint32
	r, _, _ := procPeekNamedPipe.Call(f.Fd(), 0, 0, 0, uintptr(unsafe.Pointer(&avail)), 0)
	return r != 0 && avail > 0
}

// termGroup ends the task's job: Windows has no SIGTERM to send a group
// from the monitor's side here.
func termGroup(pid int) { killGroup(pid) }
