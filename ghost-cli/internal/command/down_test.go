package command

import "testing"

func TestDownUsage(t *testing.T) {
	// This package's directory holds no Procfile.
	usageCase(t, "ghost: down: no project named and no Procfile here", "down")
	usageCase(t, `ghost: down: invalid --project: invalid project name ""`, "down", "-p", "")
	usageCase(t, `ghost: down: invalid --timeout "soon"`, "down", "-p", "x", "-t", "soon")
}
