//go:build cgo

package store

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// setUp readies each new connection: it keeps the write-ahead log and its
// index file between connections and reads the file through a map. Every
// ghost command is a short process, so nearly every close is the last one,
// and by default the last close deletes both files for the next opener to
// create again. The last close still checkpoints and then cuts the log to
// nothing: each process opens the database first, and a first opener must
// re-read the whole log to rebuild its index, so a log left long (as with
// SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE) costs every command more than the
// checkpoint saved.
func setUp(c *sqlite3.SQLiteConn) error {
	if err := c.SetFileControlInt("main", sqlite3.SQLITE_FCNTL_PERSIST_WAL, 1); err != nil {
		return fmt.Errorf("keeping the write-ahead log: %w", err)
	}
	// With a size limit set, the last close truncates the log.
	if _, err := c.Exec(fmt.Sprintf("PRAGMA journal_size_limit = %d", walKeep), nil); err != nil {
		return fmt.Errorf("limiting the write-ahead log: %w", err)
	}
	if _, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", mmapSize), nil); err != nil {
		return fmt.Errorf("mapping the database: %w", err)
	}
	return nil
}

func isBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}

// isDamaged reports SQLite's codes for a file that is not a usable
// database.
func isDamaged(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt)
}
