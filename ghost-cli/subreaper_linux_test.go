package main

import (
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// subreaper becomes a child subreaper that never reaps, runs ghost with
// its arguments (without waiting for it either), passes ghost's output
// on, and lives until its stdin closes: the parent of a container whose
// PID 1 is not an init.
func subreaper() {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		os.Exit(3)
	}
	r, w, err := os.Pipe()
	if err != nil {
		os.Exit(3)
	}
	exe, _ := os.Executable()
	_, err = syscall.ForkExec(exe, append([]string{"ghost"}, os.Args[1:]...), &syscall.ProcAttr{
		Env: os.Environ(), Files: []uintptr{0, w.Fd(), 2},
	})
	w.Close()
	if err != nil {
		os.Exit(3)
	}
	io.Copy(os.Stdout, r)
	os.Stdout.Close()
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
