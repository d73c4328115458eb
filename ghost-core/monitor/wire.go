package monitor

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// The spec crosses the pipe as a flat list of length-prefixed fields: no
// reflection, no type description, and every string kept byte for byte,
// invalid UTF-8 included (a command is bytes, not text). The first field
// is the format's name, so a monitor from another build refuses what it
// cannot read instead of misreading it.
const specFormat = "ghost-spec-3"

// maxSpec bounds what a monitor reads: a spec is at most a command line
// and an environment, which the kernel itself caps far below this.
const maxSpec = 64 << 20

var errBadSpec = errors.New("malformed task spec")

// encodeSpec writes s to w in the form decodeSpec reads.
func encodeSpec(w io.Writer, s Spec) error {
	var b []byte
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	list := func(vs []string) {
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			str(v)
		}
	}
	str(specFormat)
	str(s.ID)
	str(s.DataDir)
	str(s.Name)
	list(s.Command)
	list(s.Env)
	str(s.Cwd)
	b = binary.AppendVarint(b, s.Log.MaxSize)
	b = binary.AppendVarint(b, int64(s.Log.MaxFiles))
	str(s.Project)
	tty := uint64(0)
	if s.TTY {
		tty = 1
	}
	b = binary.AppendUvarint(b, tty)
	b = binary.AppendUvarint(b, uint64(s.Cols))
	b = binary.AppendUvarint(b, uint64(s.Rows))
	str(s.Origin)
	list(s.EnvGiven)
	str(string(s.Restart.Mode))
	b = binary.AppendVarint(b, int64(s.Restart.MaxRestarts))
	b = binary.AppendVarint(b, int64(s.Restart.Delay))
	b = binary.AppendVarint(b, int64(s.Restart.DelayMax))
	b = binary.AppendVarint(b, int64(s.Restart.MinUptime))
	_, err := w.Write(b)
	return err
}

// specReader reads the fields encodeSpec wrote, remembering the first error.
type specReader struct {
	r    *bufio.Reader
	left int
	err  error
}

func (d *specReader) num() uint64 {
	if d.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.err = err
	}
	return n
}

func (d *specReader) signed() int64 {
	if d.err != nil {
		return 0
	}
	n, err := binary.ReadVarint(d.r)
	if err != nil {
		d.err = err
	}
	return n
}

func (d *specReader) str() string {
	n := d.num()
	if d.err != nil {
		return ""
	}
	if n > uint64(d.left) {
		d.err = errBadSpec
		return ""
	}
	d.left -= int(n)
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = err
	}
	return string(b)
}

func (d *specReader) list() []string {
	n := d.num()
	if d.err != nil {
		return nil
	}
	if n > uint64(d.left) {
		d.err = errBadSpec
		return nil
	}
	out := make([]string, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.str())
	}
	return out
}

// decodeSpec reads a spec written by encodeSpec.
func decodeSpec(r io.Reader) (Spec, error) {
	d := &specReader{r: bufio.NewReader(r), left: maxSpec}
	if f := d.str(); d.err == nil && f != specFormat {
		return Spec{}, fmt.Errorf("%w: unknown format %q", errBadSpec, f)
	}
	s := Spec{ID: d.str(), DataDir: d.str(), Name: d.str(), Command: d.list(), Env: d.list(), Cwd: d.str()}
	s.Log.MaxSize = d.signed()
	s.Log.MaxFiles = int(d.signed())
	s.Project = d.str()
	s.TTY = d.num() == 1
	s.Cols, s.Rows = uint16(d.num()), uint16(d.num())
	s.Origin = d.str()
	s.EnvGiven = d.list()
	s.Restart.Mode = task.RestartMode(d.str())
	s.Restart.MaxRestarts = int(d.signed())
	s.Restart.Delay = time.Duration(d.signed())
	s.Restart.DelayMax = time.Duration(d.signed())
	s.Restart.MinUptime = time.Duration(d.signed())
	if d.err != nil {
		if errors.Is(d.err, io.EOF) {
			d.err = io.ErrUnexpectedEOF
		}
		return Spec{}, fmt.Errorf("%w: %w", errBadSpec, d.err)
	}
	return s, nil
}
