package logs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// segment is one open log file, its index, and how far into it reading
// has come.
type segment struct {
	f   *os.File
	ino uint64
	k   int          // its number when opened: 0 for the current file
	idx *indexReader // nil: not found yet, or none (noIndex)
	// noIndex marks a file with no index of its own (written before
	// indexes existed): all of it reads as stdout at an unknown time.
	noIndex bool
	pos     int64
	// skip holds the streams whose first line here is the rest of a line
	// from a file no longer read, to be dropped.
	skip Stream
}

// piece is bytes of one stream, read at one time, in log order.
type piece struct {
	data   []byte
	stream Stream
	at     int64 // Unix ns; 0 when unknown
}

// entry is one kept file as seen in a snapshot; ino is 0 when it is missing.
type entry struct {
	path string
	ino  uint64
}

// snapshot lists the task's kept files with their inodes, oldest first.
// The writer may rotate while we look, shifting every name by one, so the
// listing is taken until two passes in a row agree: a rotation always gives
// the current file a new inode, so agreement means none happened between.
func snapshot(dir, id string) ([]entry, error) {
	var prev []entry
	for range 100 {
		paths, err := Files(dir, id)
		if err != nil {
			return nil, err
		}
		cur := make([]entry, len(paths))
		for i, p := range paths {
			cur[i].path = p
			cur[i].ino, _ = inodeOf(p)
		}
		if slices.Equal(prev, cur) {
			return cur, nil
		}
		prev = cur
	}
	return prev, nil
}

// openEntries opens the files of a snapshot, skipping missing ones. It
// reports false when a file is no longer the one the snapshot saw (a
// rotation came in between): the caller takes a new snapshot.
func openEntries(dir, id string, entries []entry) ([]*segment, bool, error) {
	var segs []*segment
	for _, e := range entries {
		if e.ino == 0 {
			continue
		}
		f, err := openRead(e.path)
		if errors.Is(err, os.ErrNotExist) {
			closeAll(segs)
			return nil, false, nil
		}
		if err != nil {
			closeAll(segs)
			return nil, false, err
		}
		if got, err := inode(f); err != nil || got != e.ino {
			f.Close()
			closeAll(segs)
			return nil, false, err
		}
		s := &segment{f: f, ino: e.ino, k: logNumber(dir, id, e.path)}
		s.findIndex(dir, id)
		segs = append(segs, s)
	}
	return segs, true, nil
}

// findIndex looks for the segment's index: beside it under the matching
// name first, then under every index name (a rotation may have renamed
// it since). A file with bytes and no index was written without one; an
// empty one may be a moment old, with its index still to come.
func (s *segment) findIndex(dir, id string) {
	if s.idx != nil || s.noIndex {
		return
	}
	if x, err := openIndex(indexPath(dir, id, s.k), s.ino); err == nil {
		s.idx = x
		return
	}
	names, _ := filepath.Glob(filepath.Join(dir, globEscape(id)+".idx*"))
	for _, n := range names {
		if x, err := openIndex(n, s.ino); err == nil {
			s.idx = x
			return
		}
	}
	if fi, err := s.f.Stat(); err == nil && fi.Size() > 0 {
		s.noIndex = true
	}
}

// openKept opens the task's kept files, oldest first, as one consistent
// set. The oldest starts, as output, at a whole line.
func openKept(dir, id string) ([]*segment, error) {
	for {
		snap, err := snapshot(dir, id)
		if err != nil {
			return nil, err
		}
		segs, ok, err := openEntries(dir, id, snap)
		if err != nil || ok {
			if len(segs) > 0 {
				segs[0].startsOutput()
			}
			return segs, err
		}
	}
}

// startsOutput marks the segment as the first one read: a line left open
// by a file that is gone is dropped. A file without an index that was
// rotated was cut at exactly the size limit by an older ghost, so its
// start is a fragment (unless it was the task's very first file, which
// nothing tells apart: that costs its first line).
func (s *segment) startsOutput() {
	switch {
	case s.idx != nil:
		s.skip = s.idx.open
	case s.noIndex && s.k > 0:
		s.skip = Stdout
	}
}

func closeAll(segs []*segment) {
	for _, s := range segs {
		s.close()
	}
}

func (s *segment) close() {
	s.f.Close()
	s.idx.close()
	s.idx = nil
}

// drain reads what the segment holds beyond pos and gives it to emit as
// pieces, in log order, leaving out the fragments skip names.
func (s *segment) drain(dir, id string, buf []byte, emit func(piece) error) (int64, error) {
	var total int64
	for {
		n, err := s.f.Read(buf)
		if n > 0 {
			// Records are read after the bytes: each byte's record was
			// written before it.
			s.findIndex(dir, id)
			if s.idx != nil {
				if err := s.idx.update(); err != nil {
					return total, err
				}
			}
			if err := s.split(buf[:n], emit); err != nil {
				return total, err
			}
			total += int64(n)
		}
		if err == io.EOF || (err == nil && n == 0) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// split cuts data, the bytes at pos, into pieces by index record.
func (s *segment) split(data []byte, emit func(piece) error) error {
	for len(data) > 0 {
		p := piece{data: data, stream: Stdout}
		if s.idx != nil {
			if i := s.idx.at(s.pos); i >= 0 {
				c := s.idx.chunks[i]
				p.stream, p.at = c.stream, c.at
				if i+1 < len(s.idx.chunks) {
					if end := s.idx.chunks[i+1].off - s.pos; end < int64(len(p.data)) {
						p.data = p.data[:end]
					}
				}
			} else if len(s.idx.chunks) > 0 {
				if end := s.idx.chunks[0].off - s.pos; end < int64(len(p.data)) {
					p.data = p.data[:end]
				}
			}
		}
		s.pos += int64(len(p.data))
		data = data[len(p.data):]
		if s.skip&p.stream != 0 {
			nl := bytes.IndexByte(p.data, '\n')
			if nl < 0 {
				continue
			}
			s.skip &^= p.stream
			p.data = p.data[nl+1:]
		}
		if len(p.data) == 0 {
			continue
		}
		if err := emit(p); err != nil {
			return err
		}
	}
	return nil
}

// Copy writes the task's whole log, oldest file first, to w: every byte as
// it was written, from the first whole line kept. With tail >= 0, it
// writes only the last tail lines.
func Copy(w io.Writer, dir, id string, tail int) error {
	f, err := NewFollower(dir, id, tail)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Drain(w)
	return err
}

// seekTail positions the segments so that reading them in order yields the
// last n lines. It reads backwards from the end, a chunk at a time, so a
// large log costs no more than its last n lines. A final line with no
// newline counts as a line. It returns the segments still to read.
func seekTail(segs []*segment, n int) ([]*segment, error) {
	sizes := make([]int64, len(segs))
	for i, s := range segs {
		fi, err := s.f.Stat()
		if err != nil {
			return nil, err
		}
		sizes[i] = fi.Size()
	}
	at := func(i int, off int64) ([]*segment, error) {
		if _, err := segs[i].f.Seek(off, io.SeekStart); err != nil {
			return nil, err
		}
		segs[i].pos = off
		if off > 0 {
			segs[i].skip = 0 // the reading starts right after a newline
		}
		closeAll(segs[:i])
		return segs[i:], nil
	}
	if n == 0 {
		last := len(segs) - 1
		return at(last, sizes[last])
	}
	buf := make([]byte, 64<<10)
	newlines := 0
	skipFinal := true // a newline that ends the very last line does not start one
	for i := len(segs) - 1; i >= 0; i-- {
		end := sizes[i]
		for end > 0 {
			start := max(end-int64(len(buf)), 0)
			chunk := buf[:end-start]
			if _, err := segs[i].f.ReadAt(chunk, start); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			for j := len(chunk) - 1; j >= 0; j-- {
				if chunk[j] != '\n' {
					skipFinal = false
					continue
				}
				if skipFinal {
					skipFinal = false
					continue
				}
				newlines++
				if newlines == n {
					return at(i, start+int64(j)+1)
				}
			}
			end = start
		}
	}
	return segs, nil
}
