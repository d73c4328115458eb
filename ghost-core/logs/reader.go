package logs

import (
	"errors"
	"io"
	"os"
)

// segment is one open log file and how far into it reading has come.
type segment struct {
	f   *os.File
	ino uint64
}

// openKept opens the task's kept files, oldest first. A file renamed while
// we open them could be seen twice under two names: inodes weed that out.
// Files that vanish between listing and opening are skipped.
func openKept(dir, id string) ([]segment, error) {
	paths, err := Files(dir, id)
	if err != nil {
		return nil, err
	}
	seen := map[uint64]bool{}
	var segs []segment
	for _, p := range paths {
		f, err := openRead(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			closeAll(segs)
			return nil, err
		}
		ino, err := inode(f)
		if err != nil || seen[ino] {
			f.Close()
			if err != nil {
				closeAll(segs)
				return nil, err
			}
			continue
		}
		seen[ino] = true
		segs = append(segs, segment{f: f, ino: ino})
	}
	return segs, nil
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
