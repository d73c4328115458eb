package ports

import (
	"net"
	"os"
	"testing"

	"golang.org/x/sys/windows/registry"
)

func TestListeningFindsThisProcesssPorts(t *testing.T) {
	if k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Wine`, registry.QUERY_VALUE); err == nil {
		k.Close()
		t.Skip("wine 8.0 leaves the owning pid of its TCP/UDP table rows 0; checked on Windows by CI")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	want := map[Port]bool{{Protocol: "tcp", Address: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}: true}
	// Go's UDP sockets need an ioctl (SIO_UDP_CONNRESET) that wine 8.0
	// lacks: there, only TCP is checked.
	if u, err := net.ListenPacket("udp", "127.0.0.1:0"); err == nil {
		defer u.Close()
		want[Port{Protocol: "udp", Address: "127.0.0.1", Port: u.LocalAddr().(*net.UDPAddr).Port}] = true
	} else {
		t.Logf("no UDP socket, checking TCP only: %v", err)
	}
	got, err := Listening(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		delete(want, p)
	}
	if len(want) > 0 {
		t.Errorf("Listening = %v, missing %v", got, want)
	}
	if ps, err := Listening(0); err != nil || ps != nil {
		t.Errorf("Listening(0) = %v, %v", ps, err)
	}
}
