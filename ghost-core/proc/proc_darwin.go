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
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return 0, fmt.Errorf("pid %d: %w", pid, ErrGone)
		}
		return 0, fmt.Errorf("reading process %d: %w", pid, err)
	}
	if kp.Proc.P_pid != int32(pid) {
		return 0, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	tv := kp.Proc.P_starttime
	return uint64(tv.Sec)*1_000_000 + uint64(tv.Usec), nil
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
		if kp.Proc.P_stat != 5 { // SZOMB
			pids = append(pids, int(kp.Proc.P_pid))
		}
	}
	return pids, nil
}
