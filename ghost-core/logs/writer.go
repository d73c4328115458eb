package logs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

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

// Writer appends a task's output to its log and index, rotating by size at
// line boundaries. It is used by the task's monitor only: one writer per
// task, safe for the pumps of both streams at once.
type Writer struct {
	mu      sync.Mutex
	dir, id string
	policy  Policy
	f       *os.File // the current log file
	idx     *os.File // its index
	size    int64
	rotated int // how many <id>.log.k files exist, so rotation renames only those
	// open holds the streams whose last byte written was not a newline;
	// lineStart is, for each, where in the current file that line began
	// (-1: in an earlier file).
	open      Stream
	lineStart [2]int64
	// trouble says what went wrong with the log that the task's output
	// survived (the file deleted under it); see Trouble. It has its own
	// lock: a write holds mu for as long as it takes (a log rotating at
	// every byte takes minutes), and the monitor reads trouble to record
	// the end meanwhile.
	troubleMu sync.Mutex
	trouble   string
	rec       []byte
	closed    bool
	lastAt    int64  // the latest time recorded: times never go back in a log
	seq       uint32 // the current file's number (see the index header)
	// base is the offset of the current file's first byte in all the task
	// has written: what rotation dropped and what the rotated files hold.
	base int64
}

// Create starts a task's log file and its index. It fails if a file exists
// or is a symlink: a log is never written through a link someone planted.
func Create(dir, id string, p Policy) (*Writer, error) {
	if p.MaxSize <= 0 || p.MaxFiles <= 0 {
		p = DefaultPolicy
	}
	w := &Writer{dir: dir, id: id, policy: p}
	if err := w.openFiles(); err != nil {
		return nil, err
	}
	return w, nil
}

// Adopt continues a log whose current file f and index idx are open
// already, as a monitor that re-executes itself hands them over.
func Adopt(dir, id string, p Policy, f, idx *os.File) (*Writer, error) {
	if p.MaxSize <= 0 || p.MaxFiles <= 0 {
		p = DefaultPolicy
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("adopting log: %w", err)
	}
	w := &Writer{dir: dir, id: id, policy: p, f: f, idx: idx, size: size}
	if ino, err := inode(f); err == nil {
		w.base = readBase(dir, id, ino)
	}
	for w.rotated+1 < p.MaxFiles {
		if _, err := os.Lstat(rotatedPath(dir, id, w.rotated+1)); err != nil {
			break
		}
		w.rotated++
	}
	w.open, w.lineStart, w.lastAt, w.seq = openLines(f, idx, size)
	return w, nil
}

// openLines works out, from a log file and its index, which streams end
// with a line still open, and where those lines began. Both files are read
// with ReadAt: their offsets are the writer's.
func openLines(f, idx *os.File, size int64) (open Stream, starts [2]int64, lastAt int64, seq uint32) {
	starts = [2]int64{-1, -1}
	ino, err := inode(f)
	if err != nil {
		return 0, starts, 0, 0
	}
	fi, err := idx.Stat()
	if err != nil || fi.Size() < headerSize {
		return 0, starts, 0, 0
	}
	raw := make([]byte, fi.Size())
	if n, _ := idx.ReadAt(raw, 0); n < len(raw) {
		return 0, starts, 0, 0
	}
	if string(raw[:8]) != indexMagic || binary.LittleEndian.Uint64(raw[16:]) != ino {
		return 0, starts, 0, 0
	}
	startOpen := Stream(raw[9]) & (Stdout | Stderr)
	seq = binary.LittleEndian.Uint32(raw[10:])
	var chunks []chunk
	for b := raw[headerSize:]; len(b) >= recordSize; b = b[recordSize:] {
		chunks = append(chunks, parseRecord(b))
	}
	if len(chunks) > 0 {
		lastAt = chunks[len(chunks)-1].at // times go on from there
	}
	// Each stream's state is in its last pieces: read back from the end of
	// the file to its last newline, a little at a time, so a monitor that
	// adopts a large log reads only its end.
	buf := make([]byte, 4<<10)
	for _, st := range []Stream{Stdout, Stderr} {
		last := true // the stream's last piece: is its last byte a newline?
		found := false
		var first int64 = -1 // where the stream's first piece in this file starts
		for i := len(chunks) - 1; i >= 0 && !found; i-- {
			c := chunks[i]
			if c.stream != st {
				continue
			}
			end := size
			if i+1 < len(chunks) {
				end = min(chunks[i+1].off, size)
			}
			first = c.off
			for hi := end; hi > c.off && !found; {
				lo := max(c.off, hi-int64(len(buf)))
				n, _ := f.ReadAt(buf[:hi-lo], lo)
				if n < int(hi-lo) {
					return 0, starts, 0, 0
				}
				for j := n - 1; j >= 0; j-- {
					if buf[j] != '\n' {
						last = false
						continue
					}
					if last { // the stream ends with a whole line
						found = true
						break
					}
					open |= st
					starts[streamSlot(st)] = lo + int64(j) + 1
					found = true
					break
				}
				hi = lo
			}
		}
		if !found && first >= 0 && !last {
			// No newline in this file: the line began here, or before it.
			open |= st
			if startOpen&st == 0 {
				starts[streamSlot(st)] = first
			}
		} else if !found && first < 0 {
			open |= startOpen & st // nothing of it here: as the file began
		}
	}
	return open, starts, lastAt, seq
}

// track updates the open-line state for q written at offset off.
func track(open Stream, starts [2]int64, s Stream, off int64, q []byte) (Stream, [2]int64) {
	if len(q) == 0 {
		return open, starts
	}
	i := streamSlot(s)
	if nl := lastNewline(q); nl >= 0 {
		if nl == len(q)-1 {
			return open &^ s, starts
		}
		starts[i] = off + int64(nl) + 1
		return open | s, starts
	}
	if open&s == 0 {
		starts[i] = off
	}
	return open | s, starts
}

// lastNewline is bytes.LastIndexByte(q, '\n'), fast also for output with
// few or no newlines (a binary stream, a \r progress bar): LastIndexByte
// walks byte by byte, and on every read of a flood without newlines that
// walk was a third of the monitor's time. A text line ends within the
// last window; otherwise the vectorised IndexByte finds the others.
func lastNewline(q []byte) int {
	const window = 256
	if len(q) > window {
		if i := bytes.LastIndexByte(q[len(q)-window:], '\n'); i >= 0 {
			return len(q) - window + i
		}
		q = q[:len(q)-window]
	}
	last := -1
	for off := 0; ; {
		i := bytes.IndexByte(q[off:], '\n')
		if i < 0 {
			return last
		}
		last = off + i
		off = last + 1
	}
}

func streamSlot(s Stream) int {
	if s == Stderr {
		return 1
	}
	return 0
}

// File is the current log file, for a monitor to hand over to its next
// image.
func (w *Writer) File() *os.File { return w.f }

// Index is the current index file, handed over with File.
func (w *Writer) Index() *os.File { return w.idx }

// Policy is the writer's rotation policy.
func (w *Writer) Policy() Policy { return w.policy }

// Trouble says what happened to the log that the task's output survived
// (its file deleted while the task ran), or "" when nothing did.
func (w *Writer) Trouble() string {
	w.troubleMu.Lock()
	defer w.troubleMu.Unlock()
	return w.trouble
}

// SetTrouble restores what Trouble says, for a writer adopted by the
// monitor's next image.
func (w *Writer) SetTrouble(s string) {
	w.troubleMu.Lock()
	defer w.troubleMu.Unlock()
	w.trouble = s
}

// openFiles starts a new current log file and its index.
func (w *Writer) openFiles() error {
	// Not O_APPEND: the monitor is the only writer. Read and write, so a
	// monitor that adopts the files can read back where lines stand.
	f, err := createPrivate(Path(w.dir, w.id))
	if err != nil {
		return fmt.Errorf("creating log: %w", err)
	}
	ino, err := inode(f)
	if err == nil {
		// A stale index (its log deleted by hand) gives way to the new one.
		os.Remove(indexPath(w.dir, w.id, 0))
		var x *os.File
		if x, err = createPrivate(indexPath(w.dir, w.id, 0)); err == nil {
			if _, err = x.Write(appendHeader(nil, w.open, w.seq+1, ino)); err != nil {
				x.Close()
			} else {
				w.idx = x
			}
		}
	}
	if err != nil {
		f.Close()
		os.Remove(Path(w.dir, w.id))
		return fmt.Errorf("creating log index: %w", err)
	}
	w.f, w.size = f, 0
	w.seq++
	w.lineStart = [2]int64{-1, -1}
	if w.base > 0 {
		// Where this file begins in all the task wrote, so that offsets
		// into the log (a reader's cursor) stay valid however many files
		// rotation dropped. Best effort: without the record, offsets
		// start again from the oldest kept file, and no output is lost.
		writeBase(w.dir, w.id, ino, w.base)
	}
	return nil
}

func createPrivate(path string) (*os.File, error) {
	f, err := datadir.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	// The umask can only remove bits from 0600, but say so explicitly.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return f, nil
}

// ready makes sure a current file is open, and that it is still the
// task's log: a file deleted under the monitor would swallow the output,
// so a new one takes its place and the loss is noted.
func (w *Writer) ready() error {
	if w.f != nil {
		if linked, err := stillLinked(w.f); err != nil || linked {
			return err
		}
		w.f.Close()
		w.idx.Close()
		w.f, w.idx = nil, nil
		w.base += w.size // gone with the file: offsets go on after it
		note := "log file deleted while the task ran (at " + time.Now().UTC().Format(time.RFC3339) + "); later output is in a new file"
		w.troubleMu.Lock()
		if w.trouble == "" {
			w.trouble = note
		} else if len(w.trouble) < 512 {
			w.trouble += "; " + note
		}
		w.troubleMu.Unlock()
	}
	if w.f == nil {
		return w.openFiles()
	}
	return nil
}

// Write appends p as output of the task's stdout read now.
func (w *Writer) Write(p []byte) (int, error) { return w.WriteStream(Stdout, time.Now(), p) }

// WriteStream appends p, output of stream s read at time at. When the
// current file would pass the size limit, it is rotated after the last
// whole line that fits, so files hold whole lines; a line longer than a
// whole file is split. No file ever passes the limit.
func (w *Writer) WriteStream(s Stream, at time.Time, p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, os.ErrClosed
	}
	written := 0
	for len(p) > 0 {
		if err := w.ready(); err != nil {
			return written, err
		}
		room := w.policy.MaxSize - w.size
		n := int64(len(p))
		full := false
		if n > room {
			full = true
			n = int64(lastNewline(p[:max(room, 0)]) + 1)
			if n == 0 {
				if w.size > 0 && !(w.open&s != 0 && w.lineStart[streamSlot(s)] == 0) {
					// The line starts in a fresh file rather than be cut.
					if err := w.rotate(); err != nil {
						return written, err
					}
					continue
				}
				n = room // one line longer than a whole file
			}
		} else if p[n-1] != '\n' && room-n < w.slack() {
			// The piece leaves a line open with little room after it: the
			// next read would likely not fit the line's end, and the file
			// would end mid-line. Its whole lines stay; the open line
			// starts the next file.
			if nl := lastNewline(p); nl >= 0 {
				n, full = int64(nl+1), true
			} else if w.size > 0 && w.open&s == 0 {
				if err := w.rotate(); err != nil {
					return written, err
				}
				continue
			}
		}
		k, err := w.put(s, at, p[:n])
		written += k
		p = p[k:]
		if err != nil {
			return written, err
		}
		if full {
			if err := w.rotate(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// slack is the room below which a file takes no new unfinished line: a
// file rotates up to that much early rather than end mid-line.
func (w *Writer) slack() int64 { return min(w.policy.MaxSize/8, 4<<10) }

// put writes one piece: its index record first, so a reader that finds
// the bytes finds their record.
func (w *Writer) put(s Stream, at time.Time, q []byte) (int, error) {
	// The two streams' pumps read at their own pace; whichever writes
	// second may have read first. Its record takes the later time, so
	// times follow the log's order (by microseconds).
	w.lastAt = max(w.lastAt, at.UnixNano())
	w.rec = appendRecord(w.rec[:0], chunk{off: w.size, at: w.lastAt, stream: s})
	if _, err := w.idx.Write(w.rec); err != nil {
		return 0, err
	}
	n, err := w.f.Write(q)
	w.open, w.lineStart = track(w.open, w.lineStart, s, w.size, q[:n])
	w.size += int64(n)
	return n, err
}

// rotate shifts <id>.log.k to .k+1 (and each index with its log), dropping
// the oldest, renames the current file to .1 and starts a new one.
// Readers holding the old file open keep reading it; followers find the
// new one by its inode.
func (w *Writer) rotate() error {
	err := w.f.Close()
	w.idx.Close()
	w.f, w.idx = nil, nil
	if err != nil {
		return fmt.Errorf("rotating log: %w", err)
	}
	w.base += w.size
	if w.policy.MaxFiles <= 1 {
		if err := removeLog(w.dir, w.id, 0); err != nil {
			return fmt.Errorf("rotating log: %w", err)
		}
		return w.openFiles()
	}
	if w.rotated >= w.policy.MaxFiles-1 {
		if err := removeLog(w.dir, w.id, w.policy.MaxFiles-1); err != nil {
			return fmt.Errorf("rotating log: %w", err)
		}
		w.rotated = w.policy.MaxFiles - 2
	}
	for k := w.rotated; k >= 0; k-- {
		from := rotatedPath(w.dir, w.id, k)
		if k == 0 {
			from = Path(w.dir, w.id)
		}
		// The index moves first: a reader pairs files by inode, and an
		// index found beside the wrong log is simply not used.
		if err := os.Rename(indexPath(w.dir, w.id, k), indexPath(w.dir, w.id, k+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotating log: %w", err)
		}
		if err := os.Rename(from, rotatedPath(w.dir, w.id, k+1)); err != nil && (k == 0 || !errors.Is(err, os.ErrNotExist)) {
			return fmt.Errorf("rotating log: %w", err)
		}
	}
	w.rotated++
	return w.openFiles()
}

// removeLog deletes the k-th log file (0: the current one) and its index.
func removeLog(dir, id string, k int) error {
	path := rotatedPath(dir, id, k)
	if k == 0 {
		path = Path(dir, id)
	}
	err := os.Remove(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Remove(indexPath(dir, id, k)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Close closes the current file and its index.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.idx.Close()
	w.f, w.idx = nil, nil
	return err
}
