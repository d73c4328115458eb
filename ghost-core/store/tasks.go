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
	log_path, name, signal, project, origin, restart, restarts, next_restart_at,
	proc_start, boot_id, monitor_pid, monitor_start, log_error, tty, stop_requested,
	restart_max, restart_delay_ms, restart_delay_max_ms, min_uptime_ms, gave_up`

// allColumns is the number of columns; Get reads env and env_given
// after them.
var allColumns = len(strings.Split(columns, ","))

// listingColumns is the number of leading columns Each reads.
const listingColumns = 17

// listing is the column list of Each.
var listing = strings.Join(strings.Split(columns, ",")[:listingColumns], ",")

func isTaskError(err error) bool {
	var amb *task.AmbiguousError
	return errors.Is(err, task.ErrNotFound) || errors.Is(err, task.ErrNameTaken) || errors.As(err, &amb)
}

// Reserve inserts t, in t.Status. When t has a name, it fails with
// task.ErrNameTaken if a task in one of the live states holds the name and
// holderServed says that task is still served; the check and the insert
// are one transaction, so two launches cannot both take a name. Which
// states are live, and what served means, is the caller's to say (see
// package lifecycle): the store holds no policy.
func (s *Store) Reserve(ctx context.Context, t task.Task, live []task.Status, holderServed func(task.Task) bool) error {
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
			q, args := `SELECT `+columns+` FROM tasks WHERE name = ? AND status IN (`+placeholders(len(live))+`)`, []any{t.Name}
			for _, st := range live {
				args = append(args, string(st))
			}
			holders, err := queryTasks(ctx, tx, q, args...)
			if err != nil {
				return err
			}
			for _, h := range holders {
				if holderServed(h) {
					return fmt.Errorf("%q: %w (%s)", t.Name, task.ErrNameTaken, h.ShortID())
				}
			}
		}
		p := t.RestartPolicy
		if p.Mode == "" {
			p = task.DefaultRestartPolicy
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tasks
			(id, pid, pgid, command, env, cwd, status, started_at, log_path, name, project, boot_id, monitor_pid, monitor_start, tty,
			 origin, env_given, restart, restart_max, restart_delay_ms, restart_delay_max_ms, min_uptime_ms, seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT IFNULL(MAX(rowid), 0) + 1 FROM tasks))`,
			t.ID, t.PID, nullInt(t.PGID), string(cmd), string(env), t.Cwd, string(t.Status), t.StartedAt.Unix(), t.LogPath,
			nullString(t.Name), nullString(t.Project), t.BootID, t.MonitorPID, int64(t.MonitorStart), t.TTY,
			t.OriginName(), given, string(p.Mode), p.MaxRestarts, p.Delay.Milliseconds(), p.DelayMax.Milliseconds(), p.MinUptime.Milliseconds())
		return err
	})
}

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// statusArgs are statuses as query arguments, after args.
func statusArgs(args []any, statuses []task.Status) []any {
	for _, st := range statuses {
		args = append(args, string(st))
	}
	return args
}

// SetStarted records a run's process once it runs, if the task's row is
// in one of the states from, and makes the row running: the first run
// sets the task's start, a later one counts a restart. It reports whether
// the row changed.
func (s *Store) SetStarted(ctx context.Context, id string, pid, pgid int, procStart uint64, startedAt time.Time, from []task.Status) (bool, error) {
	var changed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET pid = ?, pgid = ?, proc_start = ?,
				started_at = CASE WHEN status = 'restarting' THEN started_at ELSE ? END,
				restarts = restarts + (status = 'restarting'), next_restart_at = NULL, status = 'running'
			WHERE id = ? AND status IN (`+placeholders(len(from))+`)`,
			statusArgs([]any{pid, pgid, int64(procStart), startedAt.Unix(), id}, from)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		changed = true
		_, err = tx.ExecContext(ctx, `INSERT INTO runs (task_id, n, pid, proc_start, started_at)
			VALUES (?, (SELECT coalesce(max(n), 0) + 1 FROM runs WHERE task_id = ?), ?, ?, ?)`,
			id, id, pid, int64(procStart), startedAt.UnixMilli())
		return err
	})
	return changed, err
}

// endRun closes the task's open run, if any, with end.
func endRun(ctx context.Context, tx *sql.Tx, id string, end task.End) error {
	var finished, code any
	if !end.FinishedAt.IsZero() {
		finished = end.FinishedAt.UnixMilli()
	}
	if end.ExitCode != nil {
		code = *end.ExitCode
	}
	_, err := tx.ExecContext(ctx, `UPDATE runs SET finished_at = ?, exit_code = ?, signal = ?
		WHERE task_id = ? AND finished_at IS NULL AND n = (SELECT max(n) FROM runs WHERE task_id = ?)`,
		finished, code, nullString(end.Signal), id, id)
	return err
}

// SetRestarting records that a run ended (end) and that the task's
// monitor starts the next one at next, if the row is in one of the states
// from; it reports whether the row changed.
func (s *Store) SetRestarting(ctx context.Context, id string, end task.End, next time.Time, from []task.Status) (bool, error) {
	var changed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'restarting', next_restart_at = ?
			WHERE id = ? AND status IN (`+placeholders(len(from))+`)`,
			statusArgs([]any{next.UnixMilli(), id}, from)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		changed = true
		return endRun(ctx, tx, id, end)
	})
	return changed, err
}

// Runs returns the task's runs, oldest first.
func (s *Store) Runs(ctx context.Context, id string) ([]task.Run, error) {
	var runs []task.Run
	err := retryBusy(ctx, func() error {
		runs = runs[:0]
		rows, err := s.db.QueryContext(ctx, `SELECT pid, started_at, finished_at, exit_code, signal FROM runs WHERE task_id = ? ORDER BY n`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r task.Run
			var started int64
			var finished, code sql.NullInt64
			var sig sql.NullString
			if err := rows.Scan(&r.PID, &started, &finished, &code, &sig); err != nil {
				return err
			}
			r.StartedAt = time.UnixMilli(started)
			if finished.Valid {
				r.FinishedAt = time.UnixMilli(finished.Int64)
			}
			if code.Valid {
				c := int(code.Int64)
				r.ExitCode = &c
			}
			r.Signal = sig.String
			runs = append(runs, r)
		}
		return rows.Err()
	})
	if runs == nil && err == nil {
		runs = []task.Run{}
	}
	return runs, s.classify("reading runs", err)
}

// SetEnd records how a task ended, if its row is in one of the states
// from; it reports whether the row changed.
func (s *Store) SetEnd(ctx context.Context, id string, end task.End, from []task.Status) (bool, error) {
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
		// What the log went through may be in the row already (noted while
		// the task ran, by a monitor image that has since been replaced):
		// an end that says less keeps it.
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET status = ?, exit_code = ?, signal = ?, finished_at = ?,
				log_error = CASE WHEN ? = '' THEN log_error WHEN log_error = '' OR instr(?, log_error) > 0 THEN ?
					ELSE log_error || '; ' || ? END,
				gave_up = ?, next_restart_at = NULL
			WHERE id = ? AND status IN (`+placeholders(len(from))+`)`,
			statusArgs([]any{string(end.Status), code, nullString(end.Signal), finished,
				end.LogError, end.LogError, end.LogError, end.LogError, end.GaveUp, id}, from)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		changed = true
		if end.Status == task.Unknown {
			return nil // the run's end was not seen
		}
		return endRun(ctx, tx, id, end)
	})
	return changed, err
}

// SetStopRequested marks that a stop of the task was asked for, if its row
// is in one of the states from; it reports whether the row changed.
func (s *Store) SetStopRequested(ctx context.Context, id string, from []task.Status) (bool, error) {
	var changed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET stop_requested = 1 WHERE id = ? AND status IN (`+placeholders(len(from))+`)`,
			statusArgs([]any{id}, from)...)
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

// StopRequested reports whether a stop of the task was asked for.
func (s *Store) StopRequested(ctx context.Context, id string) (bool, error) {
	var v int
	err := retryBusy(ctx, func() error {
		return s.db.QueryRowContext(ctx, `SELECT stop_requested FROM tasks WHERE id = ?`, id).Scan(&v)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("%s: %w", id, task.ErrNotFound)
	}
	return v != 0, s.classify("reading task", err)
}

// Delete removes a task's row if it is in one of the states from, and
// reports whether it did.
func (s *Store) Delete(ctx context.Context, id string, from []task.Status) (bool, error) {
	var changed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE id = ? AND status IN (`+placeholders(len(from))+`)`,
			statusArgs([]any{id}, from)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	return changed, err
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

// Filter narrows a listing.
type Filter struct {
	// Statuses keeps only tasks in one of these states; empty keeps all.
	Statuses []task.Status
	// Few says the states kept hold few rows (the live ones, not the
	// history): they are found through the status index rather than by
	// walking the listing index.
	Few bool
	// Limit caps the number of tasks returned, newest first; 0 means no cap.
	Limit int
	// Project keeps only the tasks of this project; empty keeps all.
	Project string
}

// List returns the tasks Each would give, in a slice.
func (s *Store) List(ctx context.Context, f Filter) ([]task.Listing, error) {
	var out []task.Listing
	if f.Limit > 0 {
		out = make([]task.Listing, 0, min(f.Limit, 4096))
	}
	err := s.Each(ctx, f, func(t task.Listing) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// Live returns the tasks in one of the states given (the live ones),
// newest first, each with its process identity but no environment, for
// the caller to check which are still served.
func (s *Store) Live(ctx context.Context, statuses []task.Status) ([]task.Task, error) {
	var out []task.Task
	err := s.each(ctx, Filter{Statuses: statuses, Few: true}, columns, func(v []driver.Value) error {
		out = append(out, taskFrom(v))
		return nil
	})
	return out, err
}

// Each calls fn with every task f keeps, newest first, one row at a time,
// with what a listing shows. A listing of 100,000 tasks need not hold them
// all at once. An error from fn stops the walk and is returned.
func (s *Store) Each(ctx context.Context, f Filter, fn func(task.Listing) error) error {
	return s.each(ctx, f, listing, func(v []driver.Value) error { return fn(listingFrom(v)) })
}

// EachID is Each reading only the ids.
func (s *Store) EachID(ctx context.Context, f Filter, fn func(id string) error) error {
	return s.each(ctx, f, "id", func(v []driver.Value) error { return fn(text(v[0])) })
}

func (s *Store) each(ctx context.Context, f Filter, cols string, fn func([]driver.Value) error) error {
	q, args := listQuery(f, cols)
	delivered := false
	err := retryBusy(ctx, func() error {
		err := s.walk(ctx, q, args, func(v []driver.Value) error {
			delivered = true
			if err := fn(v); err != nil {
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

// listQuery is the query for f reading cols. Every listing but that of a
// few rows (the live tasks, found through the status index) walks
// idx_tasks_list, which holds every column a listing reads, so the table's
// pages, mostly environments, are never touched.
func listQuery(f Filter, cols string) (string, []driver.NamedValue) {
	q := `SELECT ` + cols + ` FROM tasks`
	var args []driver.NamedValue
	var where []string
	if !f.Few || len(f.Statuses) == 0 {
		q += ` INDEXED BY idx_tasks_list`
	}
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (`+placeholders(len(f.Statuses))+`)`)
		for _, st := range f.Statuses {
			args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: string(st)})
		}
	}
	if f.Project != "" {
		where = append(where, `project = ?`)
		args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: f.Project})
	}
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	// seq, not rowid, breaks ties: the index holds it (migration 0010).
	q += ` ORDER BY started_at DESC, seq DESC`
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

// listingFrom makes a listing from the values of the listing columns (or
// more) as the driver returns them.
func listingFrom(v []driver.Value) task.Listing {
	t := task.Listing{
		ID: text(v[0]), PID: int(integer(v[1])), PGID: int(integer(v[2])), Cwd: text(v[4]),
		Status: task.Status(text(v[5])), StartedAt: time.Unix(integer(v[7]), 0),
		LogPath: text(v[9]), Name: text(v[10]), Signal: text(v[11]), Project: text(v[12]), Origin: text(v[13]),
		Restart: task.RestartMode(text(v[14])), Restarts: int(integer(v[15])),
	}
	if v[16] != nil {
		t.NextRestartAt = time.UnixMilli(integer(v[16]))
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
	return t
}

// taskFrom makes a task from the values of all columns, and env if read.
func taskFrom(v []driver.Value) task.Task {
	t := task.Task{Listing: listingFrom(v)}
	t.ProcStart, t.BootID = uint64(integer(v[17])), text(v[18])
	t.MonitorPID, t.MonitorStart, t.LogError = int(integer(v[19])), uint64(integer(v[20])), text(v[21])
	t.TTY = text(v[22])
	t.StopRequested = integer(v[23]) != 0
	t.RestartPolicy = task.RestartPolicy{
		Mode: t.Restart, MaxRestarts: int(integer(v[24])), Delay: time.Duration(integer(v[25])) * time.Millisecond,
		DelayMax: time.Duration(integer(v[26])) * time.Millisecond, MinUptime: time.Duration(integer(v[27])) * time.Millisecond,
	}
	t.GaveUp = int(integer(v[28]))
	if len(v) > allColumns {
		if env := text(v[allColumns]); env != "" {
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
