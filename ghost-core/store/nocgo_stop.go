//go:build !cgo && !ghostvet

package store

// Without cgo the SQLite driver compiles to a stub that fails at run time
// with a message about CGO_ENABLED; stop the build here instead, saying why.
var _ int = "ghost needs cgo: its SQLite driver is github.com/mattn/go-sqlite3"
