package logs

import (
	"context"
	"io"
	"time"
)

// Follower reads a task's log as it grows, across rotations: each byte
// once, in order. It keeps the file it reads open, so a rotation never
// takes bytes away from it; at the end of the newest file it looks for
// files newer than its own by inode.
type Follower struct {
	dir, id string
	segs    []*segment // segs[0] is being read; the rest follow in order
	started bool
	buf     []byte
}

// NewFollower starts reading the task's log at the beginning, or at the
// last tail lines when tail >= 0.
func NewFollower(dir, id string, tail int) (*Follower, error) {
	f := &Follower{dir: dir, id: id}
	segs, err := openKept(dir, id)
	if err != nil {
		return nil, err
	}
	if len(segs) > 0 {
		f.started = true
		if tail >= 0 {
			if segs, err = seekTail(segs, tail); err != nil {
				closeAll(segs)
				return nil, err
			}
		}
	}
	f.segs = segs
	return f, nil
}

// Drain copies to w everything written so far that w has not had yet.
func (f *Follower) Drain(w io.Writer) (int64, error) {
	var total int64
	err := f.pieces(func(p piece) error {
		n, err := w.Write(p.data)
		total += int64(n)
		return err
	})
	return total, err
}

// Chunk is a piece of a task's output as its monitor read it: bytes of
// one stream, and when they were read.
type Chunk struct {
	// Data is valid only until the callback that receives it returns.
	Data   []byte
	Stream Stream
	// Time is zero for output written before ghost kept an index.
	Time time.Time
}

// DrainChunks is Drain for a reader that tells the streams apart and
// wants to know when each piece was written, with unfinished lines as
// they come (ghost-ui shows a progress bar's last state, colours stderr
// and shows timestamps).
func (f *Follower) DrainChunks(fn func(Chunk) error) (int64, error) {
	var total int64
	err := f.pieces(func(p piece) error {
		total += int64(len(p.data))
		return fn(Chunk{Data: p.data, Stream: p.stream, Time: unixTime(p.at)})
	})
	return total, err
}

// pieces gives emit everything written so far that it has not had yet.
func (f *Follower) pieces(emit func(piece) error) error {
	if f.buf == nil {
		f.buf = make([]byte, 64<<10)
	}
	for {
		if len(f.segs) == 0 {
			if f.started {
				return nil // the log was removed under us
			}
			segs, err := openKept(f.dir, f.id)
			if err != nil || len(segs) == 0 {
				return err
			}
			f.segs, f.started = segs, true
		}
		cur := f.segs[0]
		if _, err := cur.drain(f.dir, f.id, f.buf, emit); err != nil {
			return err
		}
		if len(f.segs) > 1 {
			cur.close()
			f.segs = f.segs[1:]
			continue
		}
		next, err := f.successors(cur)
		if err != nil || len(next) == 0 {
			return err
		}
		// The writer moved on, so nothing more reaches cur: what it got
		// between our last read and the rotation is read now.
		_, err = cur.drain(f.dir, f.id, f.buf, emit)
		cur.close()
		f.segs = next
		if err != nil {
			return err
		}
	}
}

// successors opens the kept files newer than cur. When cur is no longer
// kept (rotated away while we were behind, or removed), every kept file is
// newer; when it is kept but not seen, a rotation raced the look: look
// again.
func (f *Follower) successors(cur *segment) ([]*segment, error) {
	for attempt := 0; ; attempt++ {
		snap, err := snapshot(f.dir, f.id)
		if err != nil {
			return nil, err
		}
		after := -1
		for i, e := range snap {
			if e.ino == cur.ino {
				after = i + 1
			}
		}
		if after < 0 {
			linked, err := stillLinked(cur.f)
			if err != nil {
				return nil, err
			}
			// Linked under a name that is not ours (moved away by hand)
			// counts as gone once looking again has not found it.
			if linked && attempt < 100 {
				continue
			}
			after = 0
		}
		segs, ok, err := openEntries(f.dir, f.id, snap[after:])
		if err != nil || ok {
			return segs, err
		}
	}
}

// Close releases the files the follower holds.
func (f *Follower) Close() error {
	closeAll(f.segs)
	f.segs = nil
	return nil
}

// Follow copies the task's log to w, then new output as it arrives, until
// ended reports that the task is over and every byte is copied, or ctx
// ends. wake signals that something in the log directory changed; ended is
// asked before each final read, so bytes written just before the end are
// never missed.
func Follow(ctx context.Context, w io.Writer, dir, id string, tail int, ended func() bool, wake <-chan struct{}) error {
	f, err := NewFollower(dir, id, tail)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		done := ended()
		if _, err := f.Drain(w); err != nil {
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
