//go:build !cgo

package store

// Without cgo there is no SQLite driver: nocgo_stop.go stops such a build
// with the reason. These stand in for driver.go only so that `make lint`
// can type-check the code around the driver, the same on every system, for
// a GOOS that this machine has no C compiler for (darwin from Linux), with
// -tags ghostvet.

const driverName = "sqlite3"

func isBusy(error) bool    { return false }
func isDamaged(error) bool { return false }
