package logs

import (
	"bytes"
	"context"
	"time"
)

// Record is one line of a task's output, as the monitor captured it.
type Record struct {
	// Time is when the monitor read the line's first byte; zero for output
	// written before ghost kept an index.
	Time time.Time
	// Stream is where the line came from.
	Stream Stream
	// Line is the line without its newline. It is valid only until the
	// callback that receives it returns.
	Line []byte
	// Partial marks the end of the output when it is not a whole line:
	// no newline followed it (yet).
	Partial bool
	// Sep marks, with a Query's Grep and context, the first line of a
	// group not adjacent to the one before: grep prints "--" before it.
	Sep bool
}

// Query selects the lines a LineFollower gives.
type Query struct {
	// Streams is the set of streams wanted; 0 means both.
	Streams Stream
	// Since and Until bound the capture time, inclusive; zero means
	// unbounded. A line whose time is unknown is older than any Since.
	Since, Until time.Time
	// Grep, when set, selects lines by regular expression with context.
	// It keeps state, so a Query with one serves one reading.
	Grep *Grep
	// Tail, when >= 0, starts at the last Tail lines the query selects.
	Tail int
}

func (q Query) wants(r *Record) bool {
	if q.Streams != 0 && q.Streams&r.Stream == 0 {
		return false
	}
	if !q.Since.IsZero() && (r.Time.IsZero() || r.Time.Before(q.Since)) {
		return false
	}
	if !q.Until.IsZero() && r.Time.After(q.Until) {
		return false
	}
	return true
}

// openLine is a stream's line read in part.
type openLine struct {
	buf    []byte
	at     int64
	active bool
}

// LineFollower reads a task's log line by line, each stream's lines whole
// however the reads cut them, across rotations, as the log grows. A line
// is given once its newline is read, with the time its first byte was
// read; the output's unfinished last lines are given when the caller says
// the task is over.
type LineFollower struct {
	f     *Follower
	q     Query
	open  [2]openLine
	first bool // the first Drain applies q.Tail
}

// NewLineFollower starts reading the task's log for the lines q selects.
func NewLineFollower(dir, id string, q Query) (*LineFollower, error) {
	tail := -1
	// Without a filter, the last lines of the log are the last lines
	// wanted, found from the end; with one, the whole log is read.
	if q.Tail >= 0 && q.Streams == 0 && q.Since.IsZero() && q.Until.IsZero() && q.Grep == nil {
		tail = q.Tail
	}
	f, err := NewFollower(dir, id, tail)
	if err != nil {
		return nil, err
	}
	return &LineFollower{f: f, q: q, first: true}, nil
}

// Close releases the files the follower holds.
func (l *LineFollower) Close() error { return l.f.Close() }

// Drain gives fn every selected line written since the last call. With
// final, the task is over: a last line with no newline is given too,
// marked Partial. It returns how many lines fn got.
func (l *LineFollower) Drain(final bool, fn func(Record) error) (int, error) {
	count := 0
	out := func(r Record) error {
		count++
		return fn(r)
	}
	var ring *recordRing
	if l.first && l.q.Tail >= 0 {
		ring = &recordRing{max: l.q.Tail}
		out = func(r Record) error {
			ring.add(r)
			return nil
		}
	}
	l.first = false
	give := func(r Record) error {
		if !l.q.wants(&r) {
			return nil
		}
		if l.q.Grep != nil {
			return l.q.Grep.Feed(r, func(r Record, sep bool) error {
				r.Sep = sep
				return out(r)
			})
		}
		return out(r)
	}
	err := l.f.pieces(func(p piece) error { return l.split(p, give) })
	if err == nil && final {
		err = l.flush(give)
	}
	if ring != nil {
		for i, r := range ring.records() {
			if i == 0 {
				r.Sep = false // nothing printed comes before it
			}
			if err := fn(r); err != nil {
				return count, err
			}
			count++
		}
	}
	return count, err
}

// split cuts a piece into lines.
func (l *LineFollower) split(p piece, give func(Record) error) error {
	o := &l.open[streamSlot(p.stream)]
	data := p.data
	for len(data) > 0 {
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 {
			if !o.active {
				o.active, o.at = true, p.at
			}
			o.buf = append(o.buf, data...)
			return nil
		}
		r := Record{Stream: p.stream, Line: data[:nl], Time: unixTime(p.at)}
		if o.active {
			o.buf = append(o.buf, data[:nl]...)
			r.Line, r.Time = o.buf, unixTime(o.at)
		}
		if err := give(r); err != nil {
			return err
		}
		o.buf, o.active = o.buf[:0], false
		data = data[nl+1:]
	}
	return nil
}

// flush gives the lines still open, oldest first, as Partial.
func (l *LineFollower) flush(give func(Record) error) error {
	order := []int{0, 1}
	if l.open[1].active && (!l.open[0].active || l.open[1].at < l.open[0].at) {
		order = []int{1, 0}
	}
	for _, i := range order {
		o := &l.open[i]
		if !o.active {
			continue
		}
		s := Stdout
		if i == 1 {
			s = Stderr
		}
		r := Record{Stream: s, Line: o.buf, Time: unixTime(o.at), Partial: true}
		o.active = false
		if err := give(r); err != nil {
			return err
		}
		o.buf = o.buf[:0]
	}
	return nil
}

// recordRing keeps the last max records, copying their lines.
type recordRing struct {
	max  int
	buf  []Record
	next int
	full bool
}

func (r *recordRing) add(rec Record) {
	if r.max == 0 {
		return
	}
	rec.Line = bytes.Clone(rec.Line)
	if len(r.buf) < r.max {
		r.buf = append(r.buf, rec)
		return
	}
	r.buf[r.next] = rec
	r.next = (r.next + 1) % r.max
	r.full = true
}

func (r *recordRing) records() []Record {
	if !r.full {
		return r.buf
	}
	return append(r.buf[r.next:len(r.buf):len(r.buf)], r.buf[:r.next]...)
}

// Lines gives fn the lines q selects of the task's log as it is now, the
// unfinished last one included.
func Lines(dir, id string, q Query, fn func(Record) error) error {
	l, err := NewLineFollower(dir, id, q)
	if err != nil {
		return err
	}
	defer l.Close()
	_, err = l.Drain(true, fn)
	return err
}

// FollowLines gives fn the lines q selects, then new ones as they come,
// until ended reports that the task is over and every line is given, or
// ctx ends, or the time is past q.Until; as Follow does with bytes.
func FollowLines(ctx context.Context, dir, id string, q Query, ended func() bool, wake <-chan struct{}, fn func(Record) error) error {
	l, err := NewLineFollower(dir, id, q)
	if err != nil {
		return err
	}
	defer l.Close()
	for {
		// Past Until nothing more can be selected: following ends there.
		done := ended() || (!q.Until.IsZero() && time.Now().After(q.Until))
		if _, err := l.Drain(done, fn); err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}
