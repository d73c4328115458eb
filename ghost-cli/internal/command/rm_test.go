package command

import "testing"

func TestRmUsage(t *testing.T) {
	usageCase(t, "ghost: rm: missing TASK", "rm")
	usageCase(t, "ghost: rm: flag provided but not defined", "rm", "--recursive", "abc")
}
