//go:build !linux && !darwin && !windows

package proc

// ghost knows how to identify, signal and wait for processes on Linux,
// macOS and Windows only. Stop any other build here, saying what a port
// needs, rather than with a list of undefined names.
var _ int = "ghost supports linux, darwin and windows only: this GOOS needs proc.startTime, proc.BootID, proc.ended, monitor.waitExit and ports.Listening"

func startTime(int) (uint64, error) { return 0, nil }

// BootID returns an id that changes with every boot of the machine.
func BootID() (string, error) { return "", nil }

func groupMembers(int) ([]int, error) { return nil, nil }

func ended(int) (bool, error) { return false, nil }
