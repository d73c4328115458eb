package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// shellCommand runs cmd through cmd.exe, as a user typed it: the command
// line is handed over as it is, since cmd.exe does not parse its
// arguments by the rules Go quotes them with.
func shellCommand(ctx context.Context, cmd string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	}
	c := exec.CommandContext(ctx, shell)
	c.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd /d /s /c "` + cmd + `"`}
	return c
}

// shellArgv is the command that runs a Procfile line: through cmd.exe on
// Windows, as other Procfile runners do there.
func shellArgv(line string) []string { return []string{"cmd", "/d", "/s", "/c", line} }
