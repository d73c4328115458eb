//go:build !cgo && !ghostvet

package store

// Without cgo the SQLite driver compiles to a stub that fails at run time
// with a message about CGO_ENABLED: stop the build here instead, saying
// why. sqlite_nocgo.go lets `make lint` type-check the rest for other
// systems, with -tags ghostvet.
var _ int = "ghost needs cgo: its SQLite driver is github.com/mattn/go-sqlite3"
