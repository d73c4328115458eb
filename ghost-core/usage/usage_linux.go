package usage

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

var pageSize = int64(os.Getpagesize())

// Groups reads every listed process group in one pass over /proc: a
// screen with fifty running tasks reads each process's stat once, not
// fifty times. Groups without a live process are left out.
func Groups(pgids []int) (map[int]Sample, error) {
	out := make(map[int]Sample, len(pgids))
	if len(pgids) == 0 {
		return out, nil
	}
	want := make(map[int]bool, len(pgids))
	for _, g := range pgids {
		if g > 1 {
			want[g] = true
		}
	}
	d, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	buf := make([]byte, 1024)
	for _, name := range names {
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		st, ok := readStat("/proc/"+name+"/stat", buf)
		if !ok || !want[st.pgrp] {
			continue
		}
		s := out[st.pgrp]
		pid, _ := strconv.Atoi(name)
		if pid == st.pgrp {
			s.PIDs = append([]int{pid}, s.PIDs...)
		} else {
			s.PIDs = append(s.PIDs, pid)
		}
		s.CPU += st.cpu
		s.RSS += st.rss
		s.Procs++
		s.At = now
		out[st.pgrp] = s
	}
	return out, nil
}

type stat struct {
	pgrp int
	cpu  time.Duration
	rss  int64
}

// readStat reads the fields of /proc/<pid>/stat that matter here. The
// command name (field 2) may hold spaces and parentheses, so fields are
// counted from the last ')'.
func readStat(path string, buf []byte) (stat, bool) {
	f, err := os.Open(path)
	if err != nil {
		return stat{}, false
	}
	n, _ := f.Read(buf)
	f.Close()
	return parseStat(buf[:n])
}

func parseStat(b []byte) (stat, bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, false
	}
	fields := bytes.Fields(b[i+1:])
	// fields[0] is field 3 (state): field k is fields[k-3].
	if len(fields) < 22 || fields[0][0] == 'Z' {
		return stat{}, false // a zombie holds no memory and runs no more
	}
	num := func(k int) int64 {
		v, _ := strconv.ParseInt(string(fields[k-3]), 10, 64)
		return v
	}
	ticks := num(14) + num(15) + num(16) + num(17) // utime stime cutime cstime
	return stat{
		pgrp: int(num(5)),
		cpu:  time.Duration(ticks) * time.Second / clockTicks,
		rss:  num(24) * pageSize,
	}, true
}
