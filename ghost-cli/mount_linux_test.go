package main

import (
	"syscall"
	"testing"
)

// needMount makes a tmpfs at dir with the given options, or skips: only
// root may mount, as CI here does.
func needMount(t *testing.T, dir, opts string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}
