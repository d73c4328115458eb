package monitor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ghostproject/ghost/ghost-core/lifecycle"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// What restart did.
type restartOutcome int

const (
	// notRestarted: the policy does not restart; the caller records the end.
	notRestarted restartOutcome = iota
	// restarted: a new run is under way.
	restarted
	// finished: the end is recorded already (a stop during the delay, a
	// restart that failed).
	finished
)

// stopPoll is how often a monitor waiting out a restart delay looks for a
// stop request: a stop arrives as a mark in the row (see lifecycle).
const stopPoll = 100 * time.Millisecond

// restart applies the task's restart policy to a run that ended as end.
// When it restarts: the run's output is drained and its row marked
// restarting (with the run's end and the next start), what the run left
// in its process group is killed, the delay is waited out (a stop request
// ends the task then, at once), and the command starts again, from what
// the row holds, with its identity recorded before anyone may signal it.
func (m *running) restart(end task.End, st *pumpState, pumped <-chan struct{}) restartOutcome {
	if !m.sup.Policy.Restarts() {
		return notRestarted
	}
	ctx := context.Background()
	db, err := store.Open(ctx, m.dir.DatabasePath())
	if err != nil {
		return notRestarted // no restart without the database to say so
	}
	defer db.Close()
	stop, err := db.StopRequested(ctx, m.spec.ID)
	if err != nil {
		return notRestarted
	}
	d := m.sup.Next(end, time.Since(m.runStart), stop, rand.Float64)
	if !d.Restart {
		m.gaveUp = d.GaveUp
		return notRestarted
	}
	if logErr := drain(st, pumped, m.pending); logErr != nil && m.lost == nil {
		m.lost = logErr
	}
	next := time.Now().Add(d.Delay)
	if err := lifecycle.Restarting(ctx, db, m.spec.ID, end, next); err != nil {
		return notRestarted
	}
	// The old run's leader is still ours (unreaped), so its group id is
	// too: what the run left behind goes with it, as systemd's default
	// does, before the next run would meet it.
	killGroup(m.pid)
	m.closeOutput()
	if m.poll != nil {
		m.poll.Close()
		m.poll = nil
	}
	reap(m.pid)

	timer := time.NewTimer(d.Delay)
	defer timer.Stop()
	tick := time.NewTicker(stopPoll)
	defer tick.Stop()
	for waiting := true; waiting; {
		select {
		case <-timer.C:
			waiting = false
		case <-tick.C:
			if stop, _ := db.StopRequested(ctx, m.spec.ID); stop {
				m.end(end)
				return finished
			}
		}
	}
	if stop, _ := db.StopRequested(ctx, m.spec.ID); stop {
		m.end(end)
		return finished
	}
	if err := m.spawnNext(ctx, db); err != nil {
		m.gaveUp = m.sup.InRow
		m.end(end)
		return finished
	}
	// A stop asked for between the look above and the row saying the new
	// run started found no process to signal: the monitor ends the run
	// itself (whoever stops waits for the end, and kills what lingers).
	if stop, _ := db.StopRequested(ctx, m.spec.ID); stop {
		termGroup(m.pid)
	}
	return restarted
}

// spawnNext starts the next run of the task, as its row describes it.
func (m *running) spawnNext(ctx context.Context, db *store.Store) error {
	t, err := db.Get(ctx, m.spec.ID)
	if err != nil {
		return err
	}
	spec := Spec{ID: t.ID, DataDir: m.dir.Path, Command: t.Command, Env: task.EnvList(t.Env), Cwd: t.Cwd}
	if t.TTY != "" {
		spec.TTY = true
		if _, err := fmt.Sscanf(t.TTY, "%dx%d", &spec.Cols, &spec.Rows); err != nil {
			spec.Cols, spec.Rows = 80, 24
		}
	}
	if err := checkCwd(spec.Cwd); err != nil {
		return err
	}
	path, err := resolve(spec.Command[0], spec.Cwd, t.Env["PATH"])
	if err != nil {
		return err
	}
	next, err := spawn(path, spec, m.log)
	if err != nil {
		return err
	}
	m.pid, m.procStart, m.out, m.errOut = next.pid, next.procStart, next.out, next.errOut
	m.st = newPumpState()
	m.pumped = m.startPump(m.st)
	m.runStart = time.Now()
	if err := lifecycle.Started(ctx, db, m.spec.ID, lifecycle.Run{PID: m.pid, ProcStart: m.procStart, StartedAt: m.runStart}); err != nil {
		killGroup(m.pid)
		m.closeOutput()
		reap(m.pid)
		return err
	}
	return nil
}

// end records the end of a task whose last run's output is drained and
// whose process is reaped already: a stop during a restart delay, or a
// restart that could not start.
func (m *running) end(end task.End) {
	end.GaveUp = m.gaveUp
	logErr := m.lost
	if err := m.log.Close(); err != nil && logErr == nil {
		logErr = fmt.Errorf("closing log: %w", err)
	}
	end.LogError = m.log.Trouble()
	if logErr != nil {
		if end.LogError != "" {
			end.LogError += "; "
		}
		end.LogError += "output lost: " + logErr.Error()
	}
	m.record(end)
}
