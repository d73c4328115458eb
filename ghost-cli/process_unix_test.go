//go:build unix

package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

func processLives(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		if _, serr := os.Stat("/proc/self/stat"); serr == nil {
			return false // Linux: no /proc entry, no process
		}
		return syscall.Kill(pid, 0) == nil // no /proc (macOS): ask the kernel
	}
	// A zombie has ended; only its parent has yet to collect it.
	s := string(b)
	return !strings.Contains(s[strings.LastIndexByte(s, ')'):], ") Z ")
}

// killProcess ends pid at once (SIGKILL).
func killProcess(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
