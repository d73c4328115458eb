// Package store keeps the task table in one SQLite file shared by every
// ghost process. It knows nothing of processes: callers decide what is alive.
//
// Many short processes use the file at once, so every connection is set up
// through the DSN (WAL, synchronous=NORMAL, a busy timeout, BEGIN IMMEDIATE
// for transactions) and every write retries while the database is busy.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/ghostproject/ghost/ghost-core/datadir"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors about the database file itself.
var (
	// ErrCorrupt means the file is not a usable SQLite database. It is left
	// exactly as it was.
	ErrCorrupt = errors.New("database file is corrupt or not a ghost database")
	// ErrSymlink means the database's path is a symlink, which ghost does
	// not follow: the file must be in the data directory itself.
	ErrSymlink = errors.New("database file is a symlink")
	// ErrBusy means another process held the database for longer than ghost
	// is willing to wait.
	ErrBusy = errors.New("database stayed busy")
)

// TooNewError reports a database written by a newer ghost.
type TooNewError struct {
	// Have is the schema version of the file; Want the newest this binary knows.
	Have, Want int
}

func (e *TooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this ghost understands (%d); upgrade ghost", e.Have, e.Want)
}

// busyTimeout is how long SQLite itself waits for a lock on each statement;
// writes are retried on top of it until their context ends or maxBusy passes.
const (
	busyTimeout = 5 * time.Second
	maxBusy     = 2 * time.Minute
)

// Store is an open task database.
type Store struct {
	db   *sql.DB
	path string

	versionMu   sync.Mutex
	versionConn *sql.Conn
}

// Open opens (creating with mode 0600 if needed) the database at path and
// brings its schema up to date, honouring ctx while it waits for the file.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := precreate(path); err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error {
	s.versionMu.Lock()
	if s.versionConn != nil {
		s.versionConn.Close()
	}
	s.versionMu.Unlock()
	return s.db.Close()
}

// driverName is SQLite with ghost's connect hook; registered once, here.
const driverName = "sqlite3-ghost"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: setUp})
}

// mmapSize is how much of the database file SQLite reads through a memory
// map: none. A listing walks the covering index, whose pages lie among the
// table's (each row holds a few KiB of environment), and the kernel maps
// the cached pages around every fault: at 100,000 tasks a 1 GiB map took
// a listing's peak RSS to 320 MiB for a 20 MiB index. Read calls into
// SQLite's small page cache keep it at 23-38 MiB for the same CPU time
// (user+sys 321 vs 320 ms, 37 vs 36 ms at 10,000 tasks; /usr/bin/time on
// bench history databases).
const mmapSize = 0

// walKeep is the most the write-ahead log keeps on disk between checkpoints.
const walKeep = 4 << 20

// dsn also opens connections without SQLite's own mutex (_mutex=no):
// database/sql never lets two goroutines use one connection at once.
func dsn(path string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?_busy_timeout=" + fmt.Sprint(busyTimeout.Milliseconds()) +
		"&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate&_foreign_keys=1&_mutex=no"
}

// precreate makes the file with mode 0600 before SQLite sees it, so that the
// -wal and -shm files SQLite derives from it get the same mode whatever the
// umask.
func precreate(path string) error {
	f, err := datadir.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return fmt.Errorf("creating database: %w", err)
		}
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating database: %w", err)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("opening database: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("opening database: %s: %w", path, ErrSymlink)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("opening database: %s: %w", path, ErrCorrupt)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	steps, err := migrations()
	if err != nil {
		return err
	}
	v, err := s.userVersion(ctx, s.db)
	if err != nil {
		return err
	}
	for v < len(steps) {
		if err := s.write(ctx, func(tx *sql.Tx) error {
			// Another process may have migrated since we looked.
			cur, err := s.userVersion(ctx, tx)
			if err != nil || cur != v {
				v = cur
				return err
			}
			if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
				return fmt.Errorf("migrating database to version %d: %w", v+1, err)
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
				return fmt.Errorf("migrating database to version %d: %w", v+1, err)
			}
			v++
			return nil
		}); err != nil {
			return err
		}
	}
	if v > len(steps) {
		return &TooNewError{Have: v, Want: len(steps)}
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) userVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := retryBusy(ctx, func() error {
		return q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	})
	if err != nil {
		return 0, s.classify("reading database", err)
	}
	return v, nil
}

// migrations returns the embedded migration scripts in order.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// write runs fn in an IMMEDIATE transaction, retrying the whole transaction
// while the database is busy.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	err := retryBusy(ctx, func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
	return s.classify("writing database", err)
}

// retryBusy calls fn again while it fails with SQLITE_BUSY or SQLITE_LOCKED,
// backing off, until ctx ends or maxBusy has passed.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(maxBusy)
	wait := 5 * time.Millisecond
	for {
		err := fn()
		if err != nil && ctx.Err() != nil {
			// The driver interrupts a statement whose context ends, and
			// reports that as its own error.
			return ctx.Err()
		}
		if err == nil || !isBusy(err) {
			return err
		}
		if time.Now().After(deadline) {
			return ErrBusy
		}
		select {
		case <-ctx.Done():
			// Given up by the caller (Ctrl-C), not by the database: say so,
			// so the caller can tell an interruption from a busy file.
			return ctx.Err()
		case <-time.After(wait):
		}
		if wait < 500*time.Millisecond {
			wait *= 2
		}
	}
}

// classify wraps err with what was being done, and turns SQLite's codes for
// a damaged file into ErrCorrupt.
func (s *Store) classify(doing string, err error) error {
	if err == nil {
		return nil
	}
	if isDamaged(err) {
		return fmt.Errorf("%s %s: %w", doing, s.path, ErrCorrupt)
	}
	if errors.Is(err, ErrBusy) || errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("%s: %w", doing, err)
	}
	var tooNew *TooNewError
	if errors.As(err, &tooNew) {
		return err
	}
	if isTaskError(err) {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// DataVersion returns a number that changes whenever another connection
// commits to the database: a cheap way for a viewer to know whether
// anything changed before reading the tasks again. It uses one pinned
// connection, as PRAGMA data_version only means something per connection.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if s.versionConn == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return 0, s.classify("reading database", err)
		}
		s.versionConn = c
	}
	var v int64
	err := retryBusy(ctx, func() error {
		return s.versionConn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	})
	return v, s.classify("reading database", err)
}
