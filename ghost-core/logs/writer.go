package logs

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ghostproject/ghost/ghost-core/datadir"
)

// Policy bounds the disk one task's log may use: at most MaxFiles files of
// at most MaxSize bytes each, the current one included.
type Policy struct {
	MaxSize  int64
	MaxFiles int
}

// DefaultPolicy is used when neither flags nor environment say otherwise.
var DefaultPolicy = Policy{MaxSize: 10 << 20, MaxFiles: 5}

// Writer appends a task's output to its log, rotating by size. It is used
// by the task's monitor only: one writer per task.
type Writer struct {
	dir, id string
	policy  Policy
	f       *os.File
	size    int64
	rotated int // how many <id>.log.k files exist, so rotation renames only those
}

// Create starts a task's log file. It fails if the file exists or is a
// symlink: a log is never written through a link someone planted.
func Create(dir, id string, p Policy) (*Writer, error) {
	if p.MaxSize <= 0 || p.MaxFiles <= 0 {
		p = DefaultPolicy
	}
	w := &Writer{dir: dir, id: id, policy: p}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

// Adopt continues a log whose current file f is open already, as a
// monitor that re-executes itself hands it over.
func Adopt(dir, id string, p Policy, f *os.File) (*Writer, error) {
	if p.MaxSize <= 0 || p.MaxFiles <= 0 {
		p = DefaultPolicy
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("adopting log: %w", err)
	}
	w := &Writer{dir: dir, id: id, policy: p, f: f, size: size}
	for w.rotated+1 < p.MaxFiles {
		if _, err := os.Lstat(rotatedPath(dir, id, w.rotated+1)); err != nil {
			break
		}
		w.rotated++
	}
	return w, nil
}

// File is the current file, for a monitor to hand over to its next image.
func (w *Writer) File() *os.File { return w.f }

// Policy is the writer's rotation policy.
func (w *Writer) Policy() Policy { return w.policy }

func (w *Writer) open() error {
	// Not O_APPEND: the monitor is the only writer.
	f, err := datadir.OpenFile(Path(w.dir, w.id), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating log: %w", err)
	}
	// The umask can only remove bits from 0600, but say so explicitly.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("creating log: %w", err)
	}
	w.f, w.size = f, 0
	return nil
}

// room makes sure a file is open with space left in it, rotating when the
// current one is full, and returns that space.
func (w *Writer) room() (int64, error) {
	for {
		if w.f == nil {
			if err := w.open(); err != nil {
				return 0, err
			}
		}
		if room := w.policy.MaxSize - w.size; room > 0 {
			return room, nil
		}
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
}

// Write appends p, starting a new file whenever the current one would pass
// the size limit, so no file ever does.
func (w *Writer) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		room, err := w.room()
		if err != nil {
			return written, err
		}
		chunk := p
		if int64(len(chunk)) > room {
			chunk = chunk[:room]
		}
		n, err := w.f.Write(chunk)
		written += n
		w.size += int64(n)
		p = p[n:]
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// rotate shifts <id>.log.k to .k+1, dropping the oldest, renames the
// current file to .1 and starts a new one. Readers holding the old file
// open keep reading it; followers find the new one by its inode.
func (w *Writer) rotate() error {
	if err := w.f.Close(); err != nil {
		w.f = nil
		return fmt.Errorf("rotating log: %w", err)
	}
	w.f = nil
	cur := Path(w.dir, w.id)
	if w.policy.MaxFiles <= 1 {
		if err := os.Remove(cur); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotating log: %w", err)
		}
		return w.open()
	}
	if w.rotated >= w.policy.MaxFiles-1 {
		if err := os.Remove(rotatedPath(w.dir, w.id, w.policy.MaxFiles-1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotating log: %w", err)
		}
		w.rotated = w.policy.MaxFiles - 2
	}
	for k := w.rotated; k >= 1; k-- {
		if err := os.Rename(rotatedPath(w.dir, w.id, k), rotatedPath(w.dir, w.id, k+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotating log: %w", err)
		}
	}
	if err := os.Rename(cur, rotatedPath(w.dir, w.id, 1)); err != nil {
		return fmt.Errorf("rotating log: %w", err)
	}
	w.rotated++
	return w.open()
}

// Close closes the current file.
func (w *Writer) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
