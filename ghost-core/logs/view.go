package logs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// An offset into a task's log counts the bytes the task had written before
// it, from its first byte of output, whatever rotation did since: offset
// 5,000,000 names the same byte before and after the file holding it is
// renamed, and once that file is dropped a reader can tell exactly how
// much it missed. The writer makes this possible by recording, at each
// rotation, where its new file begins (the base record).

// basePath is the base record: "<inode> <offset>\n", the offset of the
// first byte of the file with that inode. Its name is no log file's
// (<id>.log*), for Files and for people counting the logs.
func basePath(dir, id string) string { return filepath.Join(dir, id+".offset") }

// writeBase records that the file with inode ino begins at offset base,
// replacing the record in one rename so that a reader never sees half.
func writeBase(dir, id string, ino uint64, base int64) error {
	tmp := basePath(dir, id) + ".tmp"
	os.Remove(tmp)
	f, err := createPrivate(tmp)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%d %d\n", ino, base)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, basePath(dir, id))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// readBaseRecord reads the base record; ok is false when there is none
// (the log never rotated) or it cannot be read.
func readBaseRecord(dir, id string) (ino uint64, base int64, ok bool) {
	f, err := openRead(basePath(dir, id))
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	buf := make([]byte, 64)
	n, _ := io.ReadFull(f, buf)
	fields := bytes.Fields(buf[:n])
	if len(fields) != 2 {
		return 0, 0, false
	}
	ino, err1 := strconv.ParseUint(string(fields[0]), 10, 64)
	base, err2 := strconv.ParseInt(string(fields[1]), 10, 64)
	if err1 != nil || err2 != nil || base < 0 {
		return 0, 0, false
	}
	return ino, base, true
}

// readBase is where the file with inode ino begins, 0 when the record is
// about another file or missing.
func readBase(dir, id string, ino uint64) int64 {
	if got, base, ok := readBaseRecord(dir, id); ok && got == ino {
		return base
	}
	return 0
}

// View is a task's kept log files as they stood when it was opened,
// addressed by offset (see above). It holds the files open, so rotating
// or removing them meanwhile takes nothing from it; output written after
// opening is past End and left for the next View.
type View struct {
	segs []viewSegment // oldest first
}

type viewSegment struct {
	f           *os.File
	start, size int64
}

// OpenView opens a view of the task's log. A task that has written
// nothing yet (or whose log is gone) gives an empty view.
func OpenView(dir, id string) (*View, error) {
	for attempt := 0; ; attempt++ {
		// The record is read before and after the files are opened: every
		// rotation writes a new one (its base only grows), so the same
		// record both times means the files opened are the ones it
		// describes, not a later generation that reuses an inode number.
		ino, base, hasBase := readBaseRecord(dir, id)
		segs, err := openKept(dir, id)
		if err != nil {
			return nil, err
		}
		if ino2, base2, has2 := readBaseRecord(dir, id); (ino2 != ino || base2 != base || has2 != hasBase) && attempt < 100 {
			closeAll(segs)
			continue
		}
		for _, sg := range segs {
			sg.idx.close() // a view reads bytes only
			sg.idx = nil
		}
		v := &View{segs: make([]viewSegment, len(segs))}
		anchor := -1
		for i, s := range segs {
			fi, err := s.f.Stat()
			if err != nil {
				closeAll(segs)
				return nil, err
			}
			v.segs[i] = viewSegment{f: s.f, size: fi.Size()}
			if hasBase && s.ino == ino {
				anchor = i
			}
		}
		if (hasBase && anchor < 0 && len(segs) > 0 || !stillKept(dir, id, segs)) && attempt < 100 {
			// The record names a file this snapshot does not hold, or the
			// files were rotated while they were being opened (the oldest
			// opened before, the newest after): a rotation came in
			// between. Look again.
			closeAll(segs)
			continue
		}
		if len(v.segs) == 0 {
			return v, nil
		}
		if anchor < 0 {
			anchor, base = 0, 0
		}
		v.segs[anchor].start = base
		for i := anchor - 1; i >= 0; i-- {
			v.segs[i].start = v.segs[i+1].start - v.segs[i].size
		}
		for i := anchor + 1; i < len(v.segs); i++ {
			v.segs[i].start = v.segs[i-1].start + v.segs[i-1].size
		}
		if len(v.segs) > 0 && v.segs[0].start < 0 {
			// A record from before files were moved by hand: count from
			// the oldest kept byte rather than from before the log began.
			shift := -v.segs[0].start
			for i := range v.segs {
				v.segs[i].start += shift
			}
		}
		return v, nil
	}
}

// Start is the offset of the oldest byte still kept: what lies before it
// was rotated away.
func (v *View) Start() int64 {
	if len(v.segs) == 0 {
		return 0
	}
	return v.segs[0].start
}

// End is the offset just past the newest byte the view holds.
func (v *View) End() int64 {
	if len(v.segs) == 0 {
		return 0
	}
	last := v.segs[len(v.segs)-1]
	return last.start + last.size
}

// ReadAt reads len(p) bytes from offset off, across files, as
// io.ReaderAt does; reading before Start is an error, past End is io.EOF.
func (v *View) ReadAt(p []byte, off int64) (int, error) {
	if off < v.Start() {
		return 0, fmt.Errorf("reading log at %d: %w", off, ErrRotatedAway)
	}
	n := 0
	for _, s := range v.segs {
		if len(p) == 0 {
			return n, nil
		}
		if off >= s.start+s.size {
			continue
		}
		want := min(int64(len(p)), s.start+s.size-off)
		got, err := s.f.ReadAt(p[:want], off-s.start)
		n += got
		if err != nil && !errors.Is(err, io.EOF) {
			return n, err
		}
		if int64(got) < want {
			return n, io.ErrUnexpectedEOF // the file shrank under us
		}
		p, off = p[got:], off+int64(got)
	}
	if len(p) > 0 {
		return n, io.EOF
	}
	return n, nil
}

// ErrRotatedAway means the bytes asked for are no longer kept.
var ErrRotatedAway = errors.New("output was rotated away")

// LineStart is the offset where the last n lines begin (a final line
// without a newline counts as one), or Start when the view holds fewer.
// It reads backwards a chunk at a time, so a long log costs no more than
// its last n lines.
func (v *View) LineStart(n int) (int64, error) {
	end := v.End()
	if n <= 0 {
		return end, nil
	}
	buf := make([]byte, 64<<10)
	newlines := 0
	pos := end
	for pos > v.Start() {
		from := max(pos-int64(len(buf)), v.Start())
		chunk := buf[:pos-from]
		if _, err := v.ReadAt(chunk, from); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		for j := len(chunk) - 1; j >= 0; j-- {
			if chunk[j] != '\n' || from+int64(j) == end-1 {
				continue // a newline ending the very last line starts none
			}
			if newlines++; newlines == n {
				return from + int64(j) + 1, nil
			}
		}
		pos = from
	}
	return v.Start(), nil
}

// Close releases the view's files.
func (v *View) Close() error {
	for _, s := range v.segs {
		s.f.Close()
	}
	v.segs = nil
	return nil
}

// stillKept reports whether the task's log files are still the ones segs
// holds, in the same order: no rotation happened since they were listed.
// Positions are computed from the files' sizes as neighbours, which holds
// only for files that were neighbours at one moment.
func stillKept(dir, id string, segs []*segment) bool {
	now, err := snapshot(dir, id)
	if err != nil {
		return false
	}
	i := 0
	for _, e := range now {
		if e.ino == 0 {
			continue
		}
		if i >= len(segs) || segs[i].ino != e.ino {
			return false
		}
		i++
	}
	return i == len(segs)
}
