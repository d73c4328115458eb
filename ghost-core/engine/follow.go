package engine

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/watch"
)

// LogOptions says which part of a task's output to read.
type LogOptions struct {
	// Tail starts from the last Tail lines; negative means from the start.
	Tail int
}

// Log copies the task's output so far to w, byte for byte, rotated files
// first.
func (e *Engine) Log(w io.Writer, id string, o LogOptions) error {
	return logs.Copy(w, e.dir.LogDir(), id, o.Tail)
}

// Follow copies the task's output to w, then new output as it is written,
// across rotations, each byte once, until the task has ended for good
// (through any restarts) and every byte is copied, or ctx ends (then with
// ctx's error). It wakes on file events, not by polling. `ghost log -f`
// and readiness by log line use it; ghost-ui's pane, which needs each
// chunk's stream and time, reads the same follower through
// NewChunkFollower.
func (e *Engine) Follow(ctx context.Context, w io.Writer, id string, o LogOptions) error {
	wt := e.WatchTask(id)
	defer wt.Close()
	return logs.Follow(ctx, w, e.dir.LogDir(), id, o.Tail, e.Ended(ctx, id), wt.C)
}

// WatchTask wakes on every change to task id's files: output written, its
// log rotated, its monitor's exit record appearing. The caller closes it.
func (e *Engine) WatchTask(id string) *watch.Watcher {
	return e.watchMatching(func(path string) bool {
		return strings.HasPrefix(filepath.Base(path), id+".")
	})
}

// watchMatching wakes on every change to the log or exit record files
// that filter accepts.
func (e *Engine) watchMatching(filter func(path string) bool) *watch.Watcher {
	return watch.Matching(250*time.Millisecond, filter, e.dir.LogDir(), e.dir.ExitDir())
}

// watchEnds wakes when a monitor leaves an exit record: a task ended.
func (e *Engine) watchEnds() *watch.Watcher {
	// The poll covers monitors that died without a word: their tasks are
	// found ended only by looking.
	return watch.Dirs(250*time.Millisecond, e.dir.ExitDir())
}

// changeCoalesce is the least time between two wake-ups of Changes: a
// burst of changes costs a viewer one reload.
const changeCoalesce = 100 * time.Millisecond

// Changes returns a channel that receives a value whenever the tasks may
// have changed (another process wrote the database: PRAGMA data_version,
// woken by file events in the data directory), and at least every
// `every` besides, for run times and for monitors that died without a
// word. Wake-ups are coalesced. The channel is closed once ctx ends.
func (e *Engine) Changes(ctx context.Context, every time.Duration) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		w := watch.Dirs(every, e.dir.Path)
		defer w.Close()
		// What the caller read before asking for changes is the baseline.
		version := func() int64 {
			if st, err := e.store(ctx); err == nil {
				if dv, err := st.DataVersion(ctx); err == nil {
					return dv
				}
			}
			return -2 // cannot tell: every wake-up counts
		}
		last := version()
		lastSent := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.C:
			}
			v := version()
			if v == last && v != -2 && time.Since(lastSent) < every {
				continue // a log was written or the -shm touched: no task changed
			}
			last, lastSent = v, time.Now()
			select {
			case out <- struct{}{}:
			default: // one is pending already
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(changeCoalesce):
			}
		}
	}()
	return out
}

// ChunkFollower reads one task's log as it grows, across rotations, in
// chunks that carry their stream and capture time: for a viewer that
// colours stderr and keeps its own lines (ghost-ui's pane). See
// logs.Follower.
type ChunkFollower = logs.Follower

// LogChunk is one piece of a task's output with its stream and time.
type LogChunk = logs.Chunk

// NewChunkFollower starts reading task id's log from its last tail lines
// (all when tail < 0). The caller closes it.
func (e *Engine) NewChunkFollower(id string, tail int) (*ChunkFollower, error) {
	return logs.NewFollower(e.dir.LogDir(), id, tail)
}

// DataVersion is a number that changes whenever another process commits
// to the database: a viewer's cheap test of whether to read again.
func (e *Engine) DataVersion(ctx context.Context) (int64, error) {
	st, err := e.store(ctx)
	if err != nil {
		return 0, err
	}
	return st.DataVersion(ctx)
}

// Watcher delivers coalesced wake-ups on its channel C (see WatchTask);
// the caller closes it.
type Watcher = watch.Watcher
