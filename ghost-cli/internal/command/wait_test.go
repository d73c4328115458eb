package command

import (
	"testing"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestStatusCode(t *testing.T) {
	three := 3
	for _, tc := range []struct {
		t    task.Task
		want int
	}{
		{task.Task{Status: task.Exited, ExitCode: &three}, 3},
		{task.Task{Status: task.Killed, Signal: "SIGTERM"}, 143},
		{task.Task{Status: task.Killed, Signal: "SIGKILL"}, 137},
		{task.Task{Status: task.Unknown}, 255},
	} {
		if got := statusCode(tc.t); got != tc.want {
			t.Errorf("statusCode(%+v) = %d, want %d", tc.t, got, tc.want)
		}
	}
}
