package command

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// errNoUI is returned when ghost-ui is not installed.
var errNoUI = errors.New("ghost-ui is not installed (looked next to ghost and on PATH)")

func uiCommand() *cli.Command {
	return &cli.Command{
		Name:   "ui",
		Usage:  "open the terminal UI (the separate ghost-ui binary)",
		Action: ui,
	}
}

// ui replaces this process with ghost-ui: the one found next to the ghost
// binary first (installed together), else the one on PATH.
func ui(c *cli.Context) error {
	if err := needArgs(c, 0, 0, ""); err != nil {
		return err
	}
	path, err := findUI()
	if err != nil {
		return &cliError{what: "ui", err: err, hint: "install it with: make install-ghost-ui (or your package manager's ghost-ui)", code: exitFailure}
	}
	return failed("ui", execUI(path))
}

func findUI() (string, error) {
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		beside := filepath.Join(filepath.Dir(self), uiName)
		if fi, err := os.Stat(beside); err == nil && !fi.IsDir() && runnable(fi) {
			return beside, nil
		}
	}
	if p, err := exec.LookPath("ghost-ui"); err == nil {
		return p, nil
	}
	return "", errNoUI
}
