//go:build !linux && !darwin && !windows

package ports

// Listening is not implemented here; callers fall back to connecting to
// the port.
func Listening(pgid int) ([]Port, error) { return nil, ErrUnsupported }

// OfProcesses is not implemented here either.
func OfProcesses(pids []int) ([]Port, error) { return nil, ErrUnsupported }
