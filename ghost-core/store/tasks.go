package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// columns lists what a Task is read from; env is read only when asked for,
// because lists never show it and it can be large. The first
// listingColumns of them are what a listing shows, all held by
// idx_tasks_list; the rest (the process identity, the log error) matter
// only to a task looked at alone or reconciled.
const columns = `id, pid, pgid, command, cwd, status, exit_code, started_at, finished_at,
	log_path, name, signal, project, origin, proc_start, boot_id, monitor_pid, monitor_start, log_error, tty`

// allColumns is the number of columns; Get reads env and env_given
// after them.
var allColumns = len(strings.Split(columns, ","))

// listingColumns is the number of leading columns Each reads.
const listingColumns = 14

// listing is the column list of Each.
var listing = strings.Join(strings.Split(columns, ",")[:listingColumns], ",")

func isTaskError(err error) bool {
	var amb *task.AmbiguousError
	return errors.Is(err, task.ErrNotFound) || errors.Is(err, task.ErrNameTaken) || errors.As(err, &amb)
}

// Reserve inserts a new running task. When the task has a name, it fails
// with task.ErrNameTaken if a running task holds it and holderAlive says
// that task's process still lives; the check and the insert are one
// transaction, so two launches cannot both take a name.
func (s *Store) Reserve(ctx context.Context, t task.Task, holderAlive func(task.Task) bool) error {
	cmd, err := json.Marshal(encodeList(t.Command))
	if err != nil {
		return fmt.Errorf("encoding command: %w", err)
	}
	env, err := json.Marshal(encodeMap(t.Env))
	if err != nil {
		return fmt.Errorf("encoding environment: %w", err)
	}
	var given any // NULL: not known which were given
	if t.EnvGiven != nil {
		b, err := json.Marshal(encodeList(t.EnvGiven))
		if err != nil {
			return fmt.Errorf("encoding environment names: %w", err)
		}
		given = string(b)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if t.Name != "" {
			holders, err := queryTasks(ctx, tx, `SELECT `+columns+` FROM tasks WHERE name = ? AND status = 'running'`, t.Name)
			if err != nil {
				return err
			}
			for _, h := range holders {
				if holderAlive(h) {
					return fmt.Errorf("%q: %w (%s)", t.Name, task.ErrNameTaken, h.ShortID())
				}
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tasks
			(id, pid, pgid, command, env, cwd, status, started_at, log_path, name, project, boot_id, monitor_pid, monitor_start, tty, origin, env_given)
			VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.PID, nullInt(t.PGID), string(cmd), string(env), t.Cwd, t.StartedAt.Unix(), t.LogPath,
			nullString(t.Name), nullString(t.Project), t.BootID, t.MonitorPID, int64(t.MonitorStart), t.TTY, t.OriginName(), given)
		return err
	})
}

// SetStarted records the process of a reserved task once it runs.
func (s *Store) SetStarted(ctx context.Context, id string, pid, pgid int, procStart uint64, startedAt time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET pid = ?, pgid = ?, proc_start = ?, started_at = ? WHERE id = ?`,
			pid, pgid, int64(procStart), startedAt.Unix(), id)
		return err
	})
}

// Finish records how a task ended. A real end recorded by the monitor also
// replaces an `unknown` that a reader guessed meanwhile; a finished state is
// never overwritten. It reports whether the row changed.
func (s *Store) Finish(ctx context.Context, id string, end task.End) (bool, error) {
	var changed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var finished any
		if !end.FinishedAt.IsZero() {
			finished = end.FinishedAt.Unix()
		}
		var code any
		if end.ExitCode != nil {
			code = *end.ExitCode
		}
		allowed := "'running'"
		if end.Status != task.Unknown {
			allowed = "'running', 'unknown'"
		}
		// An end that knows of no trouble with the log keeps what was noted
		// while the task ran: a monitor that re-executed itself starts
		// with a writer that never saw it.
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET status = ?, exit_code = ?, signal = ?, finished_at = ?,
			log_error = CASE WHEN ? = '' THEN log_error ELSE ? END
			WHERE id = ? AND status IN (`+allowed+`)`,
			string(end.Status), code, nullString(end.Signal), finished, end.LogError, end.LogError, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	return changed, err
}

// SetLogError records, while a task runs, what its log went through that
// output survived (its file deleted and started again).
func (s *Store) SetLogError(ctx context.Context, id, msg string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET log_error = ? WHERE id = ?`, msg, id)
		return err
	})
}

// Delete removes a task's row.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE id = ?`, id)
		return err
	})
}

// Get returns the task with exactly this id, environment included.
func (s *Store) Get(ctx context.Context, id string) (task.Task, error) {
	var t task.Task
	err := retryBusy(ctx, func() error {
		tasks, err := queryTasks(ctx, s.db, `SELECT `+columns+`, env, env_given FROM tasks WHERE id = ?`, id)
		if err == nil && len(tasks) == 0 {
			err = sql.ErrNoRows
		}
		if err == nil {
			t = tasks[0]
		}
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return task.Task{}, fmt.Errorf("%s: %w", id, task.ErrNotFound)
	}
	return t, s.classify("reading task", err)
}

// Resolve finds the task a user means: a full id, then the newest task with
// that name, then a unique id prefix.
func (s *Store) Resolve(ctx context.Context, ref string) (task.Task, error) {
	if ref == "" {
		return task.Task{}, fmt.Errorf("empty task reference: %w", task.ErrNotFound)
	}
	if t, err := s.Get(ctx, ref); !errors.Is(err, task.ErrNotFound) {
		return t, err
	}
	var id string
	err := retryBusy(ctx, func() error {
		return s.db.QueryRowContext(ctx, `SELECT id FROM tasks WHERE name = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`, ref).Scan(&id)
	})
	switch {
	case err == nil:
		return s.Get(ctx, id)
	case !errors.Is(err, sql.ErrNoRows):
		return task.Task{}, s.classify("reading task", err)
	}
	prefix := strings.ToLower(ref)
	if strings.Trim(prefix, "0123456789abcdef-") != "" {
		return task.Task{}, fmt.Errorf("%s: %w", ref, task.ErrNotFound)
	}
	var ids []string
	err = retryBusy(ctx, func() error {
		ids = ids[:0]
		rows, err := s.db.QueryContext(ctx, `SELECT id FROM tasks WHERE id GLOB ? ORDER BY started_at DESC, rowid DESC LIMIT 20`, prefix+"*")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return task.Task{}, s.classify("reading tasks", err)
	}
	switch len(ids) {
	case 0:
		return task.Task{}, fmt.Errorf("%s: %w", ref, task.ErrNotFound)
	case 1:
		return s.Get(ctx, ids[0])
	}
	return task.Task{}, &task.AmbiguousError{Ref: ref, Candidates: ids}
}

// Filter narrows List.
type Filter struct {
	// Statuses keeps only tasks in one of these states; empty keeps all.
	Statuses []task.Status
	// Limit caps the number of tasks returned, newest first; 0 means no cap.
	Limit int
	// Project keeps only the tasks of this project; empty keeps all.
	Project string
}

// List returns the tasks Each would give, in a slice.
func (s *Store) List(ctx context.Context, f Filter) ([]task.Task, error) {
	return s.collect(ctx, f, listing)
}

// Running returns the tasks still marked running, newest first, each with
// its process identity, for the caller to check which still are.
func (s *Store) Running(ctx context.Context) ([]task.Task, error) {
	return s.collect(ctx, Filter{Statuses: []task.Status{task.Running}}, columns)
}

func (s *Store) collect(ctx context.Context, f Filter, cols string) ([]task.Task, error) {
	var out []task.Task
	if f.Limit > 0 {
		out = make([]task.Task, 0, min(f.Limit, 4096))
	}
	err := s.each(ctx, f, cols, func(t task.Task) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// Each calls fn with every task f keeps, newest first, one row at a time,
// with what a listing shows: no environment, process identity or log
// error. A listing of 100,000 tasks need not hold them all at once. An
// error from fn stops the walk and is returned.
func (s *Store) Each(ctx context.Context, f Filter, fn func(task.Task) error) error {
	return s.each(ctx, f, listing, fn)
}

func (s *Store) each(ctx context.Context, f Filter, cols string, fn func(task.Task) error) error {
	q, args := listQuery(f, cols)
	delivered := false
	err := retryBusy(ctx, func() error {
		err := s.walk(ctx, q, args, func(v []driver.Value) error {
			delivered = true
			if err := fn(taskFrom(v)); err != nil {
				return &callbackError{err}
			}
			return nil
		})
		if delivered && isBusy(err) {
			return ErrBusy // retrying would repeat what fn was given
		}
		return err
	})
	var ce *callbackError
	if errors.As(err, &ce) {
		return ce.err
	}
	return s.classify("reading tasks", err)
}

// walk runs a query on the driver's own connection and gives each row's
// values as the driver made them. database/sql would copy every string
// once more and convert every value through reflection: for a listing of
// ten thousand tasks that was most of the time, and on a fresh process
// each page of copies is a page fault.
func (s *Store) walk(ctx context.Context, q string, args []driver.NamedValue, row func([]driver.Value) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("database driver cannot query directly")
		}
		rows, err := qc.QueryContext(ctx, q, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		v := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(v); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if err := row(v); err != nil {
				return err
			}
		}
	})
}

// listQuery is the query for f reading cols. Every listing but that of the
// running tasks (a few, found through the status index) walks
// idx_tasks_list, which holds every column a listing reads, so the table's
// pages, mostly environments, are never touched.
func listQuery(f Filter, cols string) (string, []driver.NamedValue) {
	q := `SELECT ` + cols + ` FROM tasks`
	var args []driver.NamedValue
	var where []string
	if len(f.Statuses) == 1 && f.Statuses[0] == task.Running {
		where = append(where, `status = 'running'`)
	} else {
		q += ` INDEXED BY idx_tasks_list`
		if len(f.Statuses) > 0 {
			where = append(where, `status IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+`)`)
			for _, st := range f.Statuses {
				args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: string(st)})
			}
		}
	}
	if f.Project != "" {
		where = append(where, `project = ?`)
		args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: f.Project})
	}
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY started_at DESC, rowid DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return q, args
}

// callbackError carries an error from Each's fn past retryBusy untouched.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryTasks reads tasks through database/sql, for queries inside a
// transaction and single rows; listings go through walk.
func queryTasks(ctx context.Context, q rowsQuerier, query string, args ...any) ([]task.Task, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	v := make([]driver.Value, len(cols))
	ptrs := make([]any, len(cols))
	for i := range v {
		ptrs[i] = (*any)(&v[i]) // an *any takes the driver's value as it is
	}
	var out []task.Task
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, taskFrom(v))
	}
	return out, rows.Err()
}

// taskFrom makes a task from the values of columns as the driver returns
// them: the listing ones, or all of them, or all and env and env_given.
func taskFrom(v []driver.Value) task.Task {
	t := task.Task{
		ID: text(v[0]), PID: int(integer(v[1])), PGID: int(integer(v[2])), Cwd: text(v[4]),
		Status: task.Status(text(v[5])), StartedAt: time.Unix(integer(v[7]), 0),
		LogPath: text(v[9]), Name: text(v[10]), Signal: text(v[11]), Project: text(v[12]), Origin: text(v[13]),
	}
	if v[6] != nil {
		c := int(integer(v[6]))
		t.ExitCode = &c
	}
	if v[8] != nil {
		t.FinishedAt = time.Unix(integer(v[8]), 0)
	}
	command := text(v[3])
	if t.Command = decodeList(command); t.Command == nil {
		// A row written by hand may hold a plain string; show it as one word
		// rather than failing the whole listing.
		t.Command = []string{command}
	}
	if len(v) > listingColumns {
		t.ProcStart, t.BootID = uint64(integer(v[14])), text(v[15])
		t.MonitorPID, t.MonitorStart, t.LogError = int(integer(v[16])), uint64(integer(v[17])), text(v[18])
		t.TTY = text(v[19])
	}
	if len(v) > 20 {
		if env := text(v[20]); env != "" {
			t.Env = decodeMap(env)
		}
	}
	if len(v) > allColumns+1 && v[allColumns+1] != nil {
		t.EnvGiven = decodeList(text(v[allColumns+1]))
	}
	return t
}

// text is a TEXT value, or "" for NULL.
func text(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// integer is an INTEGER value, or 0 for NULL.
func integer(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(i int) any {
	if i == 0 {
		return nil
	}
	return i
}
