//go:build unix && !linux

package main

import "testing"

// needMount skips: a tmpfs of a given size is a Linux mount.
func needMount(t *testing.T, dir, opts string) {
	t.Helper()
	t.Skip("needs a Linux tmpfs mount")
}
