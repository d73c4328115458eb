package monitor

// executable is the binary to re-execute. /proc/self/exe still works when
// the file was replaced by an upgrade while we run.
func executable() (string, error) { return "/proc/self/exe", nil }
