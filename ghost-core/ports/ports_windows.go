package ports

import (
	"encoding/binary"
	"errors"
	"net"
	"sort"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/ghostproject/ghost/ghost-core/proc"
)

// Listening returns the TCP and UDP ports that the process pgid (a task's
// first process; Windows has no process groups) or any of its descendants
// listens on, from the system's TCP and UDP tables with their owners.
func Listening(pgid int) ([]Port, error) {
	if pgid <= 0 {
		return nil, nil
	}
	members, err := proc.GroupMembers(pgid)
	if err != nil || len(members) == 0 {
		return nil, err
	}
	return OfProcesses(members)
}

// OfProcesses gives the ports the processes pids listen on: for a caller
// that found a task's processes already (usage does, to measure them).
func OfProcesses(members []int) ([]Port, error) {
	if len(members) == 0 {
		return nil, nil
	}
	pids := map[uint32]bool{}
	for _, p := range members {
		pids[uint32(p)] = true
	}
	var out []Port
	seen := map[Port]bool{}
	add := func(p Port) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, t := range []struct {
		proto  string
		family uint32
		class  uint32 // TCP_TABLE_OWNER_PID_LISTENER, UDP_TABLE_OWNER_PID
		row    int    // the size of one MIB_*ROW_OWNER_PID
		tcp    bool
	}{
		{"tcp", windows.AF_INET, 3, 24, true}, {"tcp", windows.AF_INET6, 3, 56, true},
		{"udp", windows.AF_INET, 1, 12, false}, {"udp", windows.AF_INET6, 1, 28, false},
	} {
		b, err := table(t.tcp, t.family, t.class)
		if err != nil {
			return nil, err
		}
		for _, p := range parseTable(b, t.proto, t.family, t.row, pids) {
			add(p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Port != out[j].Port {
			return out[i].Port < out[j].Port
		}
		return out[i].Protocol+out[i].Address < out[j].Protocol+out[j].Address
	})
	return out, nil
}

// parseTable reads a MIB_{TCP,UDP}{,6}TABLE_OWNER_PID: a count, then rows
// whose local address comes first (4 bytes, or 16 and a scope id), then the
// local port in network order in a 32-bit word, and whose owning pid is
// the row's last word.
func parseTable(b []byte, proto string, family uint32, row int, pids map[uint32]bool) []Port {
	if len(b) < 4 {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	addrLen, portAt := 4, 4
	if family == windows.AF_INET6 {
		addrLen, portAt = 16, 20
	}
	if proto == "tcp" && family == windows.AF_INET {
		addrLen, portAt = 4, 8 // dwState comes first
	}
	var out []Port
	for i := 0; i < n && len(b) >= row; i++ {
		r := b[:row]
		b = b[row:]
		if !pids[binary.LittleEndian.Uint32(r[row-4:])] {
			continue
		}
		addrAt := 0
		if proto == "tcp" && family == windows.AF_INET {
			addrAt = 4
		}
		ip := net.IP(append([]byte(nil), r[addrAt:addrAt+addrLen]...))
		port := int(binary.BigEndian.Uint16(r[portAt:]))
		out = append(out, Port{Protocol: proto, Address: ip.String(), Port: port})
	}
	return out
}

var (
	iphlpapi            = windows.NewLazySystemDLL("iphlpapi.dll")
	getExtendedTcpTable = iphlpapi.NewProc("GetExtendedTcpTable")
	getExtendedUdpTable = iphlpapi.NewProc("GetExtendedUdpTable")
)

// table reads one of the system's tables, growing the buffer as it asks.
func table(tcp bool, family, class uint32) ([]byte, error) {
	proc := getExtendedUdpTable
	if tcp {
		proc = getExtendedTcpTable
	}
	if err := proc.Find(); err != nil {
		return nil, ErrUnsupported
	}
	size := uint32(16 << 10)
	for range 8 {
		b := make([]byte, size)
		r, _, _ := proc.Call(uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&size)), 0, uintptr(family), uintptr(class), 0)
		switch windows.Errno(r) {
		case windows.ERROR_SUCCESS:
			return b[:size], nil
		case windows.ERROR_INSUFFICIENT_BUFFER:
			continue
		default:
			return nil, windows.Errno(r)
		}
	}
	return nil, errors.New("reading the socket table: it keeps growing")
}
