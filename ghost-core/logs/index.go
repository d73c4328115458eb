package logs

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"time"
)

// Stream is where a piece of output came from.
type Stream uint8

// The streams a task writes. A task on a terminal (run --tty) writes both
// to one, recorded as Stdout.
const (
	Stdout Stream = 1 << iota
	Stderr
)

// String is the stream's name as ghost prints it: stdout or stderr.
func (s Stream) String() string {
	switch s {
	case Stdout:
		return "stdout"
	case Stderr:
		return "stderr"
	}
	return "unknown"
}

// Every log file <id>.log[.k] has an index <id>.idx[.k] beside it: a
// header, then one record per piece of output the monitor read, saying
// where in the log it starts, when it was read and from which stream. The
// log stays exactly the task's bytes; the index is 16 bytes a read
// (one 128 KiB read under a flood, one line for a chatty task).
//
// The header names the log file it describes by inode, so a reader never
// pairs a log with another file's index while a rotation renames both.
// Its flags say which streams have a line left open at the file's start:
// the rest of a line that began in the file before, which a reader drops
// once that file is gone, so output never starts with a fragment.
//
//	header: "ghostidx" | version 1 | flags | 6 zero bytes | log inode (8, LE)
//	record: read time, Unix ns (8, LE) | offset<<2 | stream-1 (8, LE)
//
// The monitor writes a record before the bytes it describes, so every
// byte a reader finds in a log has its record already.
const (
	indexMagic   = "ghostidx"
	indexVersion = 1
	headerSize   = 24
	recordSize   = 16
)

// errNoIndex means a log file has no index of its own: it was written by
// a ghost from before indexes, or its index was removed.
var errNoIndex = errors.New("log has no index")

// chunk is one record of an index: from off on (until the next record's
// offset), the log's bytes came from stream, read at time.
type chunk struct {
	off    int64
	at     int64 // Unix ns; 0 when unknown
	stream Stream
}

func appendHeader(b []byte, open Stream, ino uint64) []byte {
	b = append(b, indexMagic...)
	b = append(b, indexVersion, byte(open), 0, 0, 0, 0, 0, 0)
	return binary.LittleEndian.AppendUint64(b, ino)
}

func appendRecord(b []byte, c chunk) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(c.at))
	return binary.LittleEndian.AppendUint64(b, uint64(c.off)<<2|uint64(c.stream-1)&3)
}

func parseRecord(b []byte) chunk {
	at := int64(binary.LittleEndian.Uint64(b))
	v := binary.LittleEndian.Uint64(b[8:])
	s := Stream(1 << (v & 3))
	if s != Stdout && s != Stderr {
		s = Stdout
	}
	return chunk{off: int64(v >> 2), at: at, stream: s}
}

// indexReader reads an index as the monitor appends to it.
type indexReader struct {
	f       *os.File
	open    Stream  // streams with a line open at the log's start
	chunks  []chunk // every record read so far, by offset
	partial []byte  // the start of a record not yet whole
}

// openIndex opens the index at path if it describes the log with inode
// ino.
func openIndex(path string, ino uint64) (*indexReader, error) {
	f, err := openRead(path)
	if err != nil {
		return nil, err
	}
	var h [headerSize]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		f.Close()
		return nil, errNoIndex
	}
	if string(h[:8]) != indexMagic || h[8] != indexVersion || binary.LittleEndian.Uint64(h[16:]) != ino {
		f.Close()
		return nil, errNoIndex
	}
	return &indexReader{f: f, open: Stream(h[9]) & (Stdout | Stderr)}, nil
}

// update reads the records appended since the last call.
func (x *indexReader) update() error {
	buf := make([]byte, 64<<10)
	for {
		n, err := x.f.Read(buf)
		if n > 0 {
			b := append(x.partial, buf[:n]...)
			for len(b) >= recordSize {
				c := parseRecord(b)
				// Offsets only grow; a record that says otherwise was torn
				// or written by something else, and is skipped.
				if k := len(x.chunks); k == 0 || c.off >= x.chunks[k-1].off {
					x.chunks = append(x.chunks, c)
				}
				b = b[recordSize:]
			}
			x.partial = append(x.partial[:0], b...)
		}
		if err == io.EOF || n == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// at returns the index of the record that covers offset off, or -1 when
// none does (bytes before the first record, which a whole index never
// has).
func (x *indexReader) at(off int64) int {
	lo, hi := 0, len(x.chunks)
	for lo < hi {
		m := (lo + hi) / 2
		if x.chunks[m].off <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func (x *indexReader) close() {
	if x != nil {
		x.f.Close()
	}
}

// unixTime turns a record's time into a time.Time; zero stays zero.
func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
