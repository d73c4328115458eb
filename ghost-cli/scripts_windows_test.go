package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/windows/registry"
)

// TestWindowsScripts drives the real command line on Windows through the
// stories in testdata/windows: run, list, status, log -f, stop, kill,
// wait, exit codes, PATHEXT. The same scripts run under wine (make
// test-windows) and on windows-latest (CI); where wine differs from
// Windows, the [wine] condition says so.
func TestWindowsScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/windows",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			dir := filepath.Join(env.WorkDir, ".ghost")
			env.Setenv("GHOST_DATA_DIR", dir)
			env.Defer(func() { stopAllOrFail(env.T(), dir) })
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "wine" {
				return underWine(), nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture":  cmdCapture,
			"waitfor":  cmdWaitFor,
			"waitlog":  cmdWaitLog,
			"exitcode": cmdExitCode,
		},
	})
}

// underWine reports whether this is wine rather than Windows: wine keeps
// its own key in the registry.
func underWine() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Wine`, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	k.Close()
	return true
}

// exitcode N PROG ARGS... runs PROG as exec does (its output is then what
// stdout and stderr check) and checks that it exits with status N:
// testscript's exec tells only zero from nonzero.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	code := 0
	var exit *exec.ExitError
	if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		ts.Fatalf("%v", err)
	}
	if code != want {
		ts.Fatalf("%s exited %d, want %d", args[1], code, want)
	}
}
