//go:build !windows

package logs

// underWine: only a Windows build can run under wine.
func underWine() bool { return false }
