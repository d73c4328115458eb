//go:build !linux

package usage

// Groups would need the system's process tables (libproc on macOS, the
// toolhelp API on Windows); until then the figures are left out.
func Groups(pgids []int) (map[int]Sample, error) { return nil, ErrUnsupported }
