package logs

import (
	"errors"
	"io"
	"os"
	"slices"
)

// segment is one open log file and how far into it reading has come.
type segment struct {
	f   *os.File
	ino uint64
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
func openEntries(entries []entry) ([]segment, bool, error) {
	var segs []segment
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
		segs = append(segs, segment{f: f, ino: e.ino})
	}
	return segs, true, nil
}

// openKept opens the task's kept files, oldest first, as one consistent
// set.
func openKept(dir, id string) ([]segment, error) {
	for {
		snap, err := snapshot(dir, id)
		if err != nil {
			return nil, err
		}
		segs, ok, err := openEntries(snap)
		if err != nil || ok {
			return segs, err
		}
	}
}

func closeAll(segs []segment) {
	for _, s := range segs {
		s.f.Close()
	}
}

// Copy writes the task's whole log, oldest file first, to w: every byte as
// it was written. With tail >= 0, it writes only the last tail lines.
func Copy(w io.Writer, dir, id string, tail int) error {
	segs, err := openKept(dir, id)
	if err != nil {
		return err
	}
	defer closeAll(segs)
	if len(segs) == 0 {
		return nil
	}
	if tail >= 0 {
		if segs, err = seekTail(segs, tail); err != nil {
			return err
		}
	}
	for _, s := range segs {
		if _, err := io.Copy(w, s.f); err != nil {
			return err
		}
	}
	return nil
}

// seekTail positions the segments so that reading them in order yields the
// last n lines. It reads backwards from the end, a chunk at a time, so a
// large log costs no more than its last n lines. A final line with no
// newline counts as a line. It returns the segments still to read.
func seekTail(segs []segment, n int) ([]segment, error) {
	sizes := make([]int64, len(segs))
	for i, s := range segs {
		fi, err := s.f.Stat()
		if err != nil {
			return nil, err
		}
		sizes[i] = fi.Size()
	}
	if n == 0 {
		last := len(segs) - 1
		if _, err := segs[last].f.Seek(sizes[last], io.SeekStart); err != nil {
			return nil, err
		}
		return segs[last:], nil
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
					if _, err := segs[i].f.Seek(start+int64(j)+1, io.SeekStart); err != nil {
						return nil, err
					}
					return segs[i:], nil
				}
			}
			end = start
		}
	}
	return segs, nil
}
