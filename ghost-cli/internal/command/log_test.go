package command

import "testing"

func TestLogUsage(t *testing.T) {
	usageCase(t, "ghost: log: invalid --tail -1", "log", "abc", "-n", "-1")
	usageCase(t, "ghost: log: too many arguments: b", "log", "a", "b")
}
