package command

import "testing"

func TestUpUsage(t *testing.T) {
	usageCase(t, `ghost: up: invalid --restart "sometimes": want no, on-failure or always`, "up", "--restart", "sometimes")
	usageCase(t, "ghost: up: invalid --port-base 70000: want 1 to 65535", "up", "--port-base", "70000")
	usageCase(t, `ghost: up: invalid --project: invalid project name "a/b"`, "up", "-p", "a/b")
	usageCase(t, `ghost: up: invalid --timeout "soon"`, "up", "-t", "soon")
}
