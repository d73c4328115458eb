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
