package ports

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Listening returns the TCP and UDP ports that any process in process
// group pgid listens on: every process, not only the leader, since a
// server is often a child of a shell.
func Listening(pgid int) ([]Port, error) {
	groups, err := Groups([]int{pgid})
	return groups[pgid], err
}

// Groups returns the ports each listed process group listens on, with one
// pass over /proc for all of them: a screen showing fifty running tasks
// reads each process once, not fifty times. A group without processes or
// sockets is left out.
func Groups(pgids []int) (map[int][]Port, error) {
	members, err := groupMembers(pgids)
	if err != nil {
		return nil, err
	}
	out := make(map[int][]Port, len(members))
	for g, pids := range members {
		if ps := listening(pids); ps != nil {
			out[g] = ps
		}
	}
	return out, nil
}

// OfProcesses gives the ports the processes pids listen on, read in the
// network namespace of the first: for a caller that found a group's
// processes already (usage does, to measure them).
func OfProcesses(pids []int) ([]Port, error) {
	if len(pids) == 0 {
		return nil, nil
	}
	return listening(pids), nil
}

// listening gives the ports the processes pids listen on, the group
// leader first.
func listening(pids []int) []Port {
	inodes := map[string]bool{}
	for _, pid := range pids {
		socketInodes(pid, inodes)
	}
	if len(inodes) == 0 {
		return nil
	}
	var out []Port
	seen := map[Port]bool{}
	for _, table := range []struct{ file, proto, state string }{
		{"tcp", "tcp", "0A"}, {"tcp6", "tcp", "0A"}, {"udp", "udp", "07"}, {"udp6", "udp", "07"},
	} {
		// The leader's view: the task's network namespace, not ours.
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pids[0]), "net", table.file))
		if err != nil {
			continue
		}
		for _, p := range ParseNetTable(b, table.proto, table.state, inodes) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Port != out[j].Port {
			return out[i].Port < out[j].Port
		}
		return out[i].Protocol+out[i].Address < out[j].Protocol+out[j].Address
	})
	return out
}

// groupMembers lists the pids of each process group in pgids, leader
// first.
func groupMembers(pgids []int) (map[int][]int, error) {
	want := map[string]int{}
	for _, g := range pgids {
		if g > 1 {
			want[strconv.Itoa(g)] = g
		}
	}
	out := map[int][]int{}
	if len(want) == 0 {
		return out, nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:])) // f[0] is field 3: state; f[2] is field 5: pgrp
		if len(f) < 3 {
			continue
		}
		g, ok := want[f[2]]
		if !ok {
			continue
		}
		if pid == g {
			out[g] = append([]int{pid}, out[g]...)
		} else {
			out[g] = append(out[g], pid)
		}
	}
	return out, nil
}

func socketInodes(pid int, into map[string]bool) {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			into[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
}

// ParseNetTable reads a /proc/net/{tcp,udp}[6] table and returns the
// sockets in state (0A: TCP LISTEN, 07: UDP unconnected) whose inode is
// in inodes (all of them when inodes is nil).
func ParseNetTable(b []byte, proto, state string, inodes map[string]bool) []Port {
	var out []Port
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan() // the header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[3] != state || (inodes != nil && !inodes[f[9]]) {
			continue
		}
		addr, port, err := parseAddr(f[1])
		if err != nil {
			continue
		}
		out = append(out, Port{Protocol: proto, Address: addr, Port: port})
	}
	return out
}

// parseAddr reads "0100007F:1F90": the address as the kernel's 32-bit
// words in host (little-endian) order, then the port in hex.
func parseAddr(s string) (string, int, error) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return "", 0, errors.New("no port")
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return "", 0, err
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", 0, errors.New("bad address")
	}
	for w := 0; w < len(raw); w += 4 {
		raw[w], raw[w+1], raw[w+2], raw[w+3] = raw[w+3], raw[w+2], raw[w+1], raw[w]
	}
	return net.IP(raw).String(), int(port), nil
}
