package ports

// Listening would need libproc, which Go reaches only through cgo; until
// then callers fall back to connecting to the port.
func Listening(pgid int) ([]Port, error) { return nil, ErrUnsupported }

// Groups is Listening for several process groups.
func Groups(pgids []int) (map[int][]Port, error) { return nil, ErrUnsupported }

// OfProcesses is Listening for processes found already.
func OfProcesses(pids []int) ([]Port, error) { return nil, ErrUnsupported }
