package logs

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Source is one task's log for Merge.
type Source struct {
	// ID is the task's id.
	ID string
	// Query selects the task's lines; each source has its own, as a Grep
	// keeps state.
	Query Query
	// Ended reports whether the task has ended for good; it is asked
	// before the last read, as in Follow. Nil when not following.
	Ended func() bool
}

// MergeOptions tunes Merge.
type MergeOptions struct {
	// Follow goes on reading as the logs grow, until every source has
	// ended; without it Merge gives what the logs hold now.
	Follow bool
	// Wake signals, when following, that a log may have grown.
	Wake <-chan struct{}
	// Discover, when following, is asked after each wake for sources to
	// add (tasks started since); their index continues the sources'.
	Discover func() []Source
	// Idle, when following, is called once all that was written so far is
	// given, before waiting: where a buffered writer flushes, rather than
	// once a line.
	Idle func() error
}

// Merge reads several tasks' logs as one stream of whole lines in the
// order they were captured: emit gets the index of the source and a
// record (its Line valid only during the call), never two sources' bytes
// in one line. What the logs hold is merged by capture time, each
// source's lines in their own order (output kept before ghost recorded
// times comes first, source after source); with Follow, Merge then goes
// on, giving what each wake brings merged the same way, until every
// source has ended and is read to its last byte, or ctx ends. A last line
// with no newline is given, Partial, once its task has ended (or at once,
// when not following). The logs are read as they are merged, never held
// whole.
func Merge(ctx context.Context, dir string, sources []Source, o MergeOptions, emit func(src int, r Record) error) error {
	var streams []*mergeStream
	defer func() {
		for _, st := range streams {
			st.f.Close()
		}
	}()
	add := func(srcs []Source) error {
		for _, s := range srcs {
			f, err := NewLineFollower(dir, s.ID, s.Query)
			if err != nil {
				return err
			}
			streams = append(streams, &mergeStream{f: f, ended: s.Ended, until: s.Query.Until})
		}
		return nil
	}
	if err := add(sources); err != nil {
		return err
	}
	for {
		var round []int // the streams read this round
		for i, st := range streams {
			if st.done {
				continue
			}
			// Past its query's Until nothing more can be selected.
			st.final = !o.Follow || st.ended == nil || st.ended() || (!st.until.IsZero() && time.Now().After(st.until))
			round = append(round, i)
		}
		if err := mergeRound(streams, round, emit); err != nil {
			return err
		}
		open := 0
		for _, i := range round {
			if streams[i].done = streams[i].final; !streams[i].done {
				open++
			}
		}
		if open == 0 {
			return nil
		}
		if o.Idle != nil {
			if err := o.Idle(); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-o.Wake:
		}
		if o.Discover != nil {
			if err := add(o.Discover()); err != nil {
				return err
			}
		}
	}
}

// mergeStream is one source being merged.
type mergeStream struct {
	f     *LineFollower
	ended func() bool
	until time.Time
	final bool // this round reads to the end: the task is over
	done  bool
}

// errStop ends a drain that the merge no longer wants.
var errStop = errors.New("merge stopped")

// mergeRound drains the streams given and emits their records merged by
// capture time. Each drain runs as a coroutine paused at the record it
// gives, so that record's line stays valid while the others are compared,
// and nothing is copied or held beyond one record a stream.
func mergeRound(streams []*mergeStream, round []int, emit func(int, Record) error) error {
	type head struct {
		src  int
		next func() (Record, bool)
		stop func()
		rec  Record
		err  *error
	}
	var heads []*head
	defer func() {
		for _, h := range heads {
			h.stop()
		}
	}()
	for _, i := range round {
		st := streams[i]
		var drainErr error
		seq := func(yield func(Record) bool) {
			_, err := st.f.Drain(st.final, func(r Record) error {
				if !yield(r) {
					return errStop
				}
				return nil
			})
			if err != nil && !errors.Is(err, errStop) {
				drainErr = err
			}
		}
		next, stop := iter.Pull(seq)
		h := &head{src: i, next: next, stop: stop, err: &drainErr}
		heads = append(heads, h)
	}
	live := heads[:0:0]
	for _, h := range heads {
		if rec, ok := h.next(); ok {
			h.rec = rec
			live = append(live, h)
		} else if *h.err != nil {
			return *h.err
		}
	}
	for len(live) > 0 {
		best := 0
		for k, h := range live {
			if h.rec.Time.Before(live[best].rec.Time) {
				best = k
			}
		}
		h := live[best]
		if err := emit(h.src, h.rec); err != nil {
			return err
		}
		rec, ok := h.next()
		if ok {
			h.rec = rec
			continue
		}
		if *h.err != nil {
			return *h.err
		}
		live = append(live[:best], live[best+1:]...)
	}
	return nil
}
