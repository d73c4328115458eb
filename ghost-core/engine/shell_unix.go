//go:build unix

package engine

import (
	"context"
	"os/exec"
)

// shellCommand runs cmd through the system's shell, as a user typed it.
func shellCommand(ctx context.Context, cmd string) *exec.Cmd {
	return exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
}

// shellArgv is the command that runs a Procfile line through the shell.
func shellArgv(line string) []string { return []string{"sh", "-c", line} }
