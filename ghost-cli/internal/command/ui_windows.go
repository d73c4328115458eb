package command

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
)

// uiName is ghost-ui's file name.
const uiName = "ghost-ui.exe"

// runnable: Windows runs files by extension, not by a mode bit.
func runnable(fs.FileInfo) bool { return true }

// execUI runs ghost-ui on this console and ends with its exit code:
// Windows has no exec that replaces a process.
func execUI(path string) error {
	cmd := exec.Command(path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Ctrl+C on the console reaches both; ghost-ui decides what it means.
	signal.Ignore(os.Interrupt)
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err == nil {
		os.Exit(0)
	}
	return err
}
