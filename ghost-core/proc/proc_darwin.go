package proc

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

var bootID = sync.OnceValues(func() (string, error) {
	id, err := unix.Sysctl("kern.bootsessionuuid")
	if err != nil {
		return "", fmt.Errorf("reading boot id: %w", err)
	}
	return id, nil
})

// BootID returns an id that changes with every boot of the machine.
func BootID() (string, error) { return bootID() }

// startTime reads the process start time from the kernel's process table,
// as microseconds since the epoch.
func startTime(pid int) (uint64, error) {
	kp, err := kinfo(pid)
	if err != nil {
		return 0, err
	}
	tv := kp.Proc.P_starttime
	return uint64(tv.Sec)*1_000_000 + uint64(tv.Usec), nil
}

// szomb is p_stat of a process that has ended and awaits its parent's
// wait, from <sys/proc.h>.
const szomb = 5

// ended reports whether pid is a zombie: it has ended, and holds its pid
// only until its parent reaps it.
func ended(pid int) (bool, error) {
	kp, err := kinfo(pid)
	if err != nil {
		return false, err
	}
	return kp.Proc.P_stat == szomb, nil
}

func kinfo(pid int) (*unix.KinfoProc, error) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return nil, fmt.Errorf("pid %d: %w", pid, ErrGone)
		}
		return nil, fmt.Errorf("reading process %d: %w", pid, err)
	}
	if kp.Proc.P_pid != int32(pid) {
		return nil, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	return kp, nil
}

// groupMembers lists the live processes of group pgid from the kernel's
// process table: a zombie has ended and is left out.
func groupMembers(pgid int) ([]int, error) {
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.pgrp", pgid)
	if err != nil {
		return nil, fmt.Errorf("listing process group %d: %w", pgid, err)
	}
	var pids []int
	for _, kp := range kps {
		if kp.Proc.P_stat != szomb {
			pids = append(pids, int(kp.Proc.P_pid))
		}
	}
	return pids, nil
}
