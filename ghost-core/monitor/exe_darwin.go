package monitor

import "os"

// executable is the binary to re-execute.
func executable() (string, error) { return os.Executable() }
