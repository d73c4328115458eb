package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var bootID = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", fmt.Errorf("reading boot id: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
})

// BootID returns an id that changes with every boot of the machine.
func BootID() (string, error) { return bootID() }

// startTime reads field 22 of /proc/<pid>/stat: the start time in clock
// ticks since boot, compared raw so that no rounding can make two processes
// look the same.
func startTime(pid int) (uint64, error) {
	start, _, err := readStat(pid)
	return start, err
}

// ended reports whether pid is a zombie (state Z) or dying (X): it has
// ended, and holds its pid only until its parent reaps it, which a parent
// that never reaps (a container's PID 1 without an init) never does.
func ended(pid int) (bool, error) {
	_, state, err := readStat(pid)
	return state == 'Z' || state == 'X', err
}

func readStat(pid int) (start uint64, state byte, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, os.ErrProcessDone) {
			return 0, 0, fmt.Errorf("pid %d: %w", pid, ErrGone)
		}
		return 0, 0, fmt.Errorf("reading process %d: %w", pid, err)
	}
	return parseStat(b)
}

// parseStat extracts the state (field 3) and the start time (field 22)
// from a /proc/<pid>/stat line. The command name (field 2) may hold
// spaces and parentheses, so fields are counted from the last ')'.
func parseStat(stat []byte) (uint64, byte, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, errors.New("malformed /proc stat line")
	}
	fields := strings.Fields(string(stat[i+1:]))
	// fields[0] is field 3 (state), so field 22 is fields[19].
	if len(fields) < 20 || len(fields[0]) != 1 {
		return 0, 0, errors.New("malformed /proc stat line")
	}
	v, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("malformed /proc stat start time: %w", err)
	}
	return v, fields[0][0], nil
}

// groupMembers lists the live processes of group pgid from /proc: a
// zombie has ended and is left out. Linux has no index of a group's
// members, so every process's stat is read: a monitor does this every
// 100 ms while its task's group lingers, and once at every end, so it
// reads each into one buffer and allocates nothing per process (a busy
// machine has thousands, and the garbage made its monitor collect).
func groupMembers(pgid int) ([]int, error) {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	var pids []int
	var buf [512]byte
	for {
		names, err := dir.Readdirnames(256)
		for _, name := range names {
			pid, err := strconv.Atoi(name)
			if err != nil || pid <= 0 {
				continue
			}
			if state, group, ok := statGroup(pid, buf[:]); ok && group == pgid && state != 'Z' && state != 'X' {
				pids = append(pids, pid)
			}
		}
		if err == io.EOF {
			return pids, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// statGroup reads the state and the process group of pid from
// /proc/<pid>/stat into buf; ok is false if pid is gone or the line is
// malformed.
func statGroup(pid int, buf []byte) (state byte, pgid int, ok bool) {
	fd, err := syscall.Open("/proc/"+strconv.Itoa(pid)+"/stat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0, false // gone meanwhile
	}
	n, err := syscall.Read(fd, buf)
	syscall.Close(fd)
	if err != nil || n <= 0 {
		return 0, 0, false
	}
	b := buf[:n]
	// After the command's closing parenthesis: " S ppid pgrp ...". The
	// command may hold any byte, parentheses too: the last one ends it. A
	// line longer than buf only cuts fields after these.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || len(b) < i+4 {
		return 0, 0, false
	}
	state = b[i+2]
	rest := b[i+3:]
	for f := 0; f < 2; f++ { // past ppid, to pgrp
		if len(rest) == 0 || rest[0] != ' ' {
			return 0, 0, false
		}
		rest = rest[1:]
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return 0, 0, false
		}
		if f == 1 {
			g, err := strconv.Atoi(string(rest[:n]))
			return state, g, err == nil
		}
		rest = rest[n:]
	}
	return 0, 0, false
}
