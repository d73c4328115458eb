package command

import (
	"slices"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestParseStatuses(t *testing.T) {
	got, err := parseStatuses("running, Exited")
	if err != nil || !slices.Equal(got, []task.Status{task.Running, task.Exited}) {
		t.Errorf("got %v, %v", got, err)
	}
	got, _ = parseStatuses("finished")
	if !slices.Equal(got, []task.Status{task.Exited, task.Killed, task.Unknown}) {
		t.Errorf("finished = %v", got)
	}
	if got, err := parseStatuses("all"); got != nil || err != nil {
		t.Errorf("all = %v, %v", got, err)
	}
	if _, err := parseStatuses("sleeping"); err == nil {
		t.Error("sleeping accepted")
	}
}
