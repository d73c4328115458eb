package command

import "testing"

func TestKillUsage(t *testing.T) {
	usageCase(t, "ghost: kill: invalid --signal \"BOGUS\": unknown signal", "kill", "-s", "BOGUS", "abc")
	usageCase(t, "ghost: kill: invalid --signal \"0\"", "kill", "--signal", "0", "abc")
	usageCase(t, "ghost: kill: missing TASK", "kill")
}
