package command

import (
	"testing"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestStatusCode(t *testing.T) {
	three := 3
	for _, tc := range []struct {
		t    task.Listing
		want int
	}{
		{task.Listing{Status: task.Exited, ExitCode: &three}, 3},
		{task.Listing{Status: task.Killed, Signal: "SIGTERM"}, 143},
		{task.Listing{Status: task.Killed, Signal: "SIGKILL"}, 137},
		{task.Listing{Status: task.Unknown}, 255},
	} {
		if got := engine.ExitStatus(tc.t); got != tc.want {
			t.Errorf("statusCode(%+v) = %d, want %d", tc.t, got, tc.want)
		}
	}
}
