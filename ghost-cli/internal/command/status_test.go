package command

import (
	"strings"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/ports"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestDescribe(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	out := describe(task.Task{
		Listing: task.Listing{ID: "abc", Name: "we\x1bb", Status: task.Killed, Signal: "SIGTERM", PID: 10, PGID: 10,
			Command: []string{"sh", "-c", "a b"}, StartedAt: start, FinishedAt: start.Add(90 * time.Second)},
		LogError: "output lost: no space left on device",
		Ports:    []ports.Port{{Protocol: "tcp", Address: "127.0.0.1", Port: 80}},
	}, start.Add(time.Hour))
	for _, want := range []string{
		"name:      we\\x1bb\n", "signal:    SIGTERM\n", "command:   sh -c 'a b'\n", "runtime:   1m30s\n",
		"ports:     tcp 127.0.0.1:80\n", "warning:   output lost: no space left on device\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
