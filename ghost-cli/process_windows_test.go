package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// processLives reports whether pid names a process that has not exited
// (one that has, but whose handle someone holds, keeps its pid: not alive).
func processLives(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) == nil && code == 259 // STILL_ACTIVE
}

// killProcess ends pid at once.
func killProcess(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
