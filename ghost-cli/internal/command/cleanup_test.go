package command

import "testing"

func TestCleanupUsage(t *testing.T) {
	usageCase(t, "ghost: cleanup: invalid --status running", "cleanup", "-s", "running")
	usageCase(t, "ghost: cleanup: invalid --status \"sleeping\"", "cleanup", "-s", "sleeping")
	usageCase(t, "ghost: cleanup: invalid --older-than", "cleanup", "--older-than", "yesterday")
	usageCase(t, "ghost: cleanup: too many arguments", "cleanup", "extra")
}
