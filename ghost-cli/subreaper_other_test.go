//go:build !linux

package main

import "os"

// subreaper needs Linux's PR_SET_CHILD_SUBREAPER.
func subreaper() { os.Exit(3) }
