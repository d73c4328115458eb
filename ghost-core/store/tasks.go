package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// columns lists what a Task is read from; env is read only when asked for,
// because lists never show it and it can be large.
const columns = `id, pid, pgid, command, cwd, status, exit_code, started_at, finished_at,
	log_path, name, signal, proc_start, boot_id, monitor_pid, monitor_start, log_error`

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
			(id, pid, pgid, command, env, cwd, status, started_at, log_path, name, boot_id, monitor_pid, monitor_start)
			VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
			t.ID, t.PID, nullInt(t.PGID), string(cmd), string(env), t.Cwd, t.StartedAt.Unix(), t.LogPath,
			nullString(t.Name), t.BootID, t.MonitorPID, int64(t.MonitorStart))
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
		res, err := tx.ExecContext(ctx, `UPDATE tasks SET status = ?, exit_code = ?, signal = ?, finished_at = ?, log_error = ?
			WHERE id = ? AND status IN (`+allowed+`)`,
			string(end.Status), code, nullString(end.Signal), finished, end.LogError, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	return changed, err
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
		row := s.db.QueryRowContext(ctx, `SELECT `+columns+`, env FROM tasks WHERE id = ?`, id)
		var err error
		t, err = scanTask(row, true)
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
}

// List returns tasks newest first, without their environments.
func (s *Store) List(ctx context.Context, f Filter) ([]task.Task, error) {
	q := `SELECT ` + columns + ` FROM tasks`
	var args []any
	if len(f.Statuses) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		q += ` WHERE status IN (` + marks + `)`
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	q += ` ORDER BY started_at DESC, rowid DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []task.Task
	err := retryBusy(ctx, func() error {
		// Sized up front: growing a slice of 10,000 tasks step by step
		// cost more than reading them (fresh pages are dear).
		var n int
		count := `SELECT count(*) FROM tasks` + q[strings.Index(q, " FROM tasks")+len(" FROM tasks"):strings.Index(q, " ORDER BY")]
		if err := s.db.QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
			return err
		}
		if f.Limit > 0 {
			n = min(n, f.Limit)
		}
		var err error
		out, err = queryTasksInto(ctx, s.db, make([]task.Task, 0, n), q, args...)
		return err
	})
	return out, s.classify("reading tasks", err)
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryTasks(ctx context.Context, q rowsQuerier, query string, args ...any) ([]task.Task, error) {
	return queryTasksInto(ctx, q, nil, query, args...)
}

func queryTasksInto(ctx context.Context, q rowsQuerier, out []task.Task, query string, args ...any) ([]task.Task, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTask(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanTask(sc scanner, withEnv bool) (task.Task, error) {
	var (
		t                            task.Task
		pgid, exitCode, finished     sql.NullInt64
		cwd, name, signal, env       sql.NullString
		command, status              string
		started, procStart, monStart int64
	)
	dest := []any{&t.ID, &t.PID, &pgid, &command, &cwd, &status, &exitCode, &started, &finished,
		&t.LogPath, &name, &signal, &procStart, &t.BootID, &t.MonitorPID, &monStart, &t.LogError}
	if withEnv {
		dest = append(dest, &env)
	}
	if err := sc.Scan(dest...); err != nil {
		return task.Task{}, err
	}
	t.PGID = int(pgid.Int64)
	t.Cwd = cwd.String
	t.Name = name.String
	t.Signal = signal.String
	t.Status = task.Status(status)
	if exitCode.Valid {
		c := int(exitCode.Int64)
		t.ExitCode = &c
	}
	t.StartedAt = time.Unix(started, 0)
	if finished.Valid {
		t.FinishedAt = time.Unix(finished.Int64, 0)
	}
	t.ProcStart = uint64(procStart)
	t.MonitorStart = uint64(monStart)
	if t.Command = decodeList(command); t.Command == nil {
		// A row written by hand may hold a plain string; show it as one word
		// rather than failing the whole listing.
		t.Command = []string{command}
	}
	if withEnv && env.Valid && env.String != "" {
		t.Env = decodeMap(env.String)
	}
	return t, nil
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
