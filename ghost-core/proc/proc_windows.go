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
