package proc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
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
// zombie has ended and is left out.
func groupMembers(pgid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	want := strconv.Itoa(pgid)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		// After the command: field 3 is the state, field 5 the group.
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 2 && f[2] == want && f[0] != "Z" && f[0] != "X" {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
