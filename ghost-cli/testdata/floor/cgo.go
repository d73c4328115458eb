//go:build cgo

// The C runtime that ghost links for SQLite, none of it called.

package main

import "C"
