package command

import "testing"

func TestRestartUsage(t *testing.T) {
	usageCase(t, "ghost: restart: invalid --timeout \"later\"", "restart", "abc", "-t", "later")
	usageCase(t, "ghost: restart: missing TASK", "restart")
}
