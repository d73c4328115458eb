package logs

import (
	"bytes"
	"context"
)

// maxLine is the longest line Merge holds back waiting for its newline: a
// task that prints a megabyte with none is shown in pieces of this size
// rather than kept in memory whole.
const maxLine = 64 << 10

// Source is one task's log for Merge.
type Source struct {
	// ID is the task's id.
	ID string
	// Ended reports whether the task has ended for good; it is asked
	// before the last read, as in Follow. Nil when not following.
	Ended func() bool
}

// MergeOptions tunes Merge.
type MergeOptions struct {
	// Tail >= 0 starts each log at its last Tail lines; -1 at its start.
	Tail int
	// Follow goes on reading as the logs grow, until every source has
	// ended; without it Merge gives what the logs hold now.
	Follow bool
	// Wake signals, when following, that a log may have grown.
	Wake <-chan struct{}
	// Discover, when following, is asked after each wake for sources to
	// add (tasks started since); their logs are read from the start, and
	// their index continues the sources'.
	Discover func() []Source
}

// Merge reads several tasks' logs as one stream of whole lines: emit gets
// the index of the source and a line without its newline (valid only
// during the call), never two sources' bytes in one line. Without Follow
// it gives what each log holds now, source after source (the logs carry
// no time, so there is no other order to give); with Follow it then goes
// on, giving lines in the order they are read after each wake, until
// every source has ended and is read to its last byte, or ctx ends. A
// last line with no newline is given once its task has ended (or at once,
// when not following).
func Merge(ctx context.Context, dir string, sources []Source, o MergeOptions, emit func(src int, line []byte) error) error {
	var streams []*lineStream
	defer func() {
		for _, st := range streams {
			st.f.Close()
		}
	}()
	add := func(srcs []Source, tail int) error {
		for _, s := range srcs {
			f, err := NewFollower(dir, s.ID, tail)
			if err != nil {
				return err
			}
			streams = append(streams, &lineStream{f: f, src: len(streams), ended: s.Ended, emit: emit})
		}
		return nil
	}
	if err := add(sources, o.Tail); err != nil {
		return err
	}
	for {
		open := 0
		for _, st := range streams {
			if st.done {
				continue
			}
			ended := !o.Follow || st.ended == nil || st.ended()
			if _, err := st.f.Drain(st); err != nil {
				return err
			}
			if st.err != nil {
				return st.err
			}
			if ended {
				if err := st.flush(); err != nil {
					return err
				}
				st.done = true
				continue
			}
			open++
		}
		if open == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-o.Wake:
		}
		if o.Discover != nil {
			if err := add(o.Discover(), -1); err != nil {
				return err
			}
		}
	}
}

// lineStream cuts one task's bytes into whole lines for Merge.
type lineStream struct {
	f       *Follower
	src     int
	ended   func() bool
	emit    func(int, []byte) error
	pending []byte
	done    bool
	err     error // from emit; Drain would otherwise lose it
}

// Write takes bytes as Drain copies them and emits every line they end.
func (s *lineStream) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && s.err == nil {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.pending = append(s.pending, p...)
			for len(s.pending) >= maxLine && s.err == nil {
				s.err = s.emit(s.src, s.pending[:maxLine])
				s.pending = append(s.pending[:0], s.pending[maxLine:]...)
			}
			break
		}
		line := p[:i]
		if len(s.pending) > 0 {
			line = append(s.pending, line...)
		}
		s.err = s.emit(s.src, line)
		s.pending = s.pending[:0]
		p = p[i+1:]
	}
	if s.err != nil {
		return 0, s.err
	}
	return n, nil
}

// flush emits a last line that has no newline.
func (s *lineStream) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	err := s.emit(s.src, s.pending)
	s.pending = s.pending[:0]
	return err
}
