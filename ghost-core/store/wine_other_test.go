//go:build !windows

package store

// underWine: only a Windows build can run under wine.
func underWine() bool { return false }
