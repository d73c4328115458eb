package proc

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

var bootID = sync.OnceValues(func() (string, error) {
	// Windows 8 and later count boots here; the count is exact, where a
	// boot time read back moves when the clock is set.
	if k, err := registry.OpenKey(registry.LOCAL_MACHINE,
		`SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management\PrefetchParameters`, registry.QUERY_VALUE); err == nil {
		n, _, err := k.GetIntegerValue("BootId")
		k.Close()
		if err == nil {
			return "boot-" + strconv.FormatUint(n, 10), nil
		}
	}
	// Elsewhere (wine, older systems): the boot time, in seconds.
	var info struct {
		BootTime, CurrentTime, TimeZoneBias int64
		TimeZoneID, Reserved                uint32
		BootTimeBias, SleepTimeBias         uint64
	}
	const systemTimeOfDayInformation = 3
	if err := windows.NtQuerySystemInformation(systemTimeOfDayInformation, unsafe.Pointer(&info), uint32(unsafe.Sizeof(info)), nil); err != nil {
		return "", fmt.Errorf("reading boot id: %w", err)
	}
	return "booted-" + strconv.FormatInt(info.BootTime/10_000_000, 10), nil
})

// BootID returns an id that changes with every boot of the machine.
func BootID() (string, error) { return bootID() }

// startTime is the process's creation time, in 100-nanosecond intervals
// since 1601 as Windows keeps it. A process that has exited but whose
// handle someone still holds keeps its pid (like a zombie) and is found.
func startTime(pid int) (uint64, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
			return 0, fmt.Errorf("pid %d: %w", pid, ErrGone)
		}
		return 0, fmt.Errorf("reading process %d: %w", pid, err)
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return 0, fmt.Errorf("reading process %d: %w", pid, err)
	}
	return uint64(created.HighDateTime)<<32 | uint64(created.LowDateTime), nil
}

// RequestName is the name of the event through which the monitor of the
// task whose process is id takes the request to deliver sig. Windows has
// no signals, and only a process on the task's console can send it a
// console control event, and only the job's owner holds the job: so the
// monitor, which has both, acts, and others ask it.
func RequestName(id Identity, sig syscall.Signal) string {
	return `Local\ghost-` + strconv.Itoa(id.PID) + "-" + strconv.FormatUint(id.Start, 10) + "-" + SignalName(sig)
}

// SignalGroup asks the monitor of the task whose process is leader to
// deliver sig to every process of the task (pgid is the leader's pid on
// Windows), after checking that the leader is still that process: INT is
// CTRL_C_EVENT and TERM CTRL_BREAK_EVENT on the task's console, KILL
// terminates the task's job. Where no monitor answers (a task started
// outside ghost's monitor), KILL terminates the leader alone.
func SignalGroup(leader Identity, pgid int, sig syscall.Signal) error {
	if pgid <= 0 {
		return fmt.Errorf("%w %d", ErrBadGroup, pgid)
	}
	if _, ok := windowsSignals[SignalName(sig)]; !ok {
		return fmt.Errorf("%q: %w: Windows has only KILL, INT and TERM", SignalName(sig), ErrBadSignal)
	}
	if err := leader.Check(); err != nil {
		return err
	}
	name, err := windows.UTF16PtrFromString(RequestName(leader, sig))
	if err != nil {
		return err
	}
	ev, err := windows.OpenEvent(windows.EVENT_MODIFY_STATE, false, name)
	if err == nil {
		defer windows.CloseHandle(ev)
		if err := windows.SetEvent(ev); err != nil {
			return fmt.Errorf("signalling process %d: %w", leader.PID, err)
		}
		return nil
	}
	if sig != syscall.SIGKILL {
		return fmt.Errorf("signalling process %d: no monitor takes %s for it: %w", leader.PID, SignalName(sig), err)
	}
	h, err := windows.OpenProcess(windows.PROCESS_TERMINATE, false, uint32(leader.PID))
	if err != nil {
		return fmt.Errorf("signalling process %d: %w", leader.PID, err)
	}
	defer windows.CloseHandle(h)
	if err := windows.TerminateProcess(h, KilledExitCode(sig)); err != nil {
		return fmt.Errorf("signalling process %d: %w", leader.PID, err)
	}
	return nil
}

// killedBase marks the exit codes ghost gives the processes it terminates,
// so the monitor can tell "killed by ghost with KILL" from a program's own
// exit code: 0xC0DE0000 | the signal's number, in the range Windows keeps
// for error statuses, which programs do not return by themselves.
const killedBase = 0xC0DE0000

// KilledExitCode is the exit code ghost terminates a task's processes with
// when it delivers sig.
func KilledExitCode(sig syscall.Signal) uint32 { return killedBase | uint32(sig)&0xFF }

// KilledBy reports which signal a process whose exit code is code was
// terminated with by ghost, if it was.
func KilledBy(code uint32) (syscall.Signal, bool) {
	if code&^0xFF == killedBase {
		return syscall.Signal(code & 0xFF), true
	}
	return 0, false
}

// groupMembers lists the processes still running in the tree under pid
// root (Windows has no process groups; the task's job holds this tree):
// root itself while it runs, and every process started under it, found by
// parent pid. A parent pid can outlive its process and be reused, so a
// process counts only if it was created after its parent.
func groupMembers(root int) ([]int, error) {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return nil, fmt.Errorf("listing processes: %w", err)
	}
	defer windows.CloseHandle(snap)
	children := map[uint32][]uint32{}
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if e.ProcessID != e.ParentProcessID {
			children[e.ParentProcessID] = append(children[e.ParentProcessID], e.ProcessID)
		}
	}
	var pids []int
	seen := map[uint32]bool{uint32(root): true}
	queue := []uint32{uint32(root)}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		born, running := times(parent)
		if running {
			pids = append(pids, int(parent))
		}
		for _, c := range children[parent] {
			if seen[c] {
				continue
			}
			if cborn, _ := times(c); cborn >= born {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	return pids, nil
}

// times is a process's creation time (0 when it cannot be read) and
// whether it still runs.
func times(pid uint32) (created uint64, running bool) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return 0, false
	}
	defer windows.CloseHandle(h)
	var c, x, k, u windows.Filetime
	if windows.GetProcessTimes(h, &c, &x, &k, &u) != nil {
		return 0, false
	}
	var code uint32
	running = windows.GetExitCodeProcess(h, &code) == nil && code == stillActive
	return uint64(c.HighDateTime)<<32 | uint64(c.LowDateTime), running
}

// stillActive is the exit code of a process that has not ended.
const stillActive = 259

// ended reports whether pid has exited while someone still holds a
// handle to it (so it keeps its pid, as a zombie does on Unix).
func ended(pid int) (bool, error) {
	created, running := times(uint32(pid))
	if created == 0 {
		return false, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	return !running, nil
}
