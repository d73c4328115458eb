package ports

import (
	"net"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestParseNetTable(t *testing.T) {
	tcp := []byte(`  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0
   2: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0
`)
	got := ParseNetTable(tcp, "tcp", "0A", map[string]bool{"111": true, "333": true})
	if len(got) != 1 || got[0] != (Port{"tcp", "127.0.0.1", 8080}) {
		t.Errorf("got %v", got)
	}
	tcp6 := []byte(`header
   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 444 1
`)
	if got := ParseNetTable(tcp6, "tcp", "0A", nil); len(got) != 1 || got[0] != (Port{"tcp", "::1", 8081}) {
		t.Errorf("got %v", got)
	}
}

func FuzzParseNetTable(f *testing.F) {
	f.Add([]byte("h\n 0: 0100007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 1 1\n"))
	f.Add([]byte("h\n 0: zz:zz a 0A b c d e f g\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range ParseNetTable(b, "tcp", "0A", nil) {
			if p.Port < 0 || p.Port > 65535 || p.Address == "" {
				t.Fatalf("bad port %v", p)
			}
		}
	})
}

// A listening socket held by a child of the group leader is found.
func TestListeningFindsChildSockets(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	f, _ := l.(*net.TCPListener).File()
	l.Close()
	// sh (the leader) starts sleep, which inherits the socket as fd 3, then
	// closes its own copy: only the child holds it.
	cmd := exec.Command("sh", "-c", "sleep 60 & exec 3<&-; wait")
	cmd.ExtraFiles = []*os.File{f}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got, err := Listening(cmd.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if p.Port == port && p.Protocol == "tcp" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("port %d not found in the group", port)
}
