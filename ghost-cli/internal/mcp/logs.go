package mcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

type logsIn struct {
	Task      string `json:"task" jsonschema:"the task: its id, a unique id prefix, or its name"`
	Tail      *int   `json:"tail,omitempty" jsonschema:"only the last N lines (with grep: the last N matching lines)"`
	Cursor    string `json:"cursor,omitempty" jsonschema:"next_cursor from an earlier call: return only the output written since (\"0\" for the beginning)"`
	MaxBytes  int    `json:"max_bytes,omitempty" jsonschema:"at most this many bytes of text"`
	Grep      string `json:"grep,omitempty" jsonschema:"only lines matching this regular expression (RE2)"`
	StripANSI bool   `json:"strip_ansi,omitempty" jsonschema:"remove terminal escape sequences (colours, cursor moves)"`
}

type logsOut struct {
	// Text is the output, as valid UTF-8 (invalid bytes become U+FFFD).
	Text string `json:"text"`
	// NextCursor is where this call stopped reading: pass it as cursor to
	// get only what comes after.
	NextCursor string `json:"next_cursor"`
	// Truncated is true when output was left out for max_bytes: before
	// text (tail, or no cursor), or after it (cursor: call again with
	// next_cursor for the rest).
	Truncated bool `json:"truncated"`
	// LostBytes is how much output after cursor was rotated away before
	// this call could read it.
	LostBytes int64 `json:"lost_bytes"`
	// TaskEnded is true when the task had ended before reading began: text
	// then holds everything up to its last byte.
	TaskEnded bool `json:"task_ended"`
}

// defaultMaxBytes is how much a logs call returns unless asked.
const defaultMaxBytes = 64 << 10

// scanLimit bounds how much of a log one grep call reads: the default
// rotation policy keeps 50 MiB.
const scanLimit = 64 << 20

func addLogs(s *Server) {
	addTool(s, &tool{
		Name:  "logs",
		Title: "Read a task's output",
		Description: "Read a task's output (stdout and stderr). Without cursor or tail: the most recent max_bytes. " +
			"Keep next_cursor and pass it as cursor next time to get only what is new; lost_bytes says what rotation dropped in between.",
		Annotations: annotations{ReadOnlyHint: true},
	}, s.logs)
}

func (s *Server) logs(ctx context.Context, _ *call, in logsIn) (*result, logsOut, error) {
	q := logQuery{tail: -1, max: in.MaxBytes, strip: in.StripANSI, from: -1}
	if q.max <= 0 {
		q.max = defaultMaxBytes
	}
	if in.Tail != nil && in.Cursor != "" {
		return nil, logsOut{}, invalidParams("logs: give tail or cursor, not both")
	}
	if in.Tail != nil {
		q.tail = *in.Tail
	}
	if in.Cursor != "" {
		n, err := strconv.ParseInt(in.Cursor, 10, 64)
		if err != nil || n < 0 {
			return nil, logsOut{}, invalidParams("logs: invalid cursor %q: want a next_cursor from an earlier call", in.Cursor)
		}
		q.from = n
	}
	if in.Grep != "" {
		re, err := regexp.Compile(in.Grep)
		if err != nil {
			return nil, logsOut{}, invalidParams("logs: invalid grep: %v", err)
		}
		q.grep = re
	}
	t, err := s.find(ctx, "log", in.Task)
	if err != nil {
		return nil, logsOut{}, err
	}
	// Asked before reading, so that an ended task's text is complete.
	q.ended = s.e.Ended(ctx, t.ID)()
	v, err := s.e.OpenLog(t.ID)
	if err != nil {
		return nil, logsOut{}, s.failure("log", err)
	}
	defer v.Close()
	r, err := readLog(v, q)
	if errors.Is(err, errCursorPastEnd) {
		return nil, logsOut{}, invalidParams("logs: cursor %d is past the end of task %s's output (%d bytes): it belongs to another task", q.from, t.ShortID(), v.End())
	}
	if err != nil {
		return nil, logsOut{}, s.failure("log", err)
	}
	out := logsOut{Text: r.text, NextCursor: strconv.FormatInt(r.next, 10), Truncated: r.truncated, LostBytes: r.lost, TaskEnded: q.ended}
	meta := "next_cursor: " + out.NextCursor
	if out.Truncated {
		meta += " (truncated to max_bytes)"
	}
	if out.LostBytes > 0 {
		meta += fmt.Sprintf("; %d bytes rotated away since the cursor", out.LostBytes)
	}
	if out.TaskEnded {
		meta += "; the task has ended"
	}
	if t.LogError != "" {
		meta += "; warning: " + t.LogError
	}
	if out.Text == "" {
		return textResult(meta), out, nil
	}
	return textResult(out.Text, meta), out, nil
}

// logQuery is one logs call: from a cursor forward (from >= 0), or the
// last tail lines, or (neither) the most recent max bytes.
type logQuery struct {
	from  int64
	tail  int
	max   int
	grep  *regexp.Regexp
	strip bool
	// ended: the task has ended, so a last line without a newline is
	// whole.
	ended bool
}

type logResult struct {
	text      string
	next      int64
	truncated bool
	lost      int64
}

var errCursorPastEnd = errors.New("cursor past the end of the log")

// readLog answers q from v.
func readLog(v *engine.LogView, q logQuery) (logResult, error) {
	if q.from >= 0 {
		return readForward(v, q)
	}
	return readBackward(v, q)
}

// readForward reads from q.from on, line by line, until max bytes of text
// are gathered or the view ends.
func readForward(v *engine.LogView, q logQuery) (logResult, error) {
	var r logResult
	from, end := q.from, v.End()
	if from > end {
		return r, errCursorPastEnd
	}
	if from < v.Start() {
		r.lost, from = v.Start()-from, v.Start()
	}
	var text []byte
	pos := from
	err := eachLine(v, from, end, func(raw []byte) bool {
		whole := raw[len(raw)-1] == '\n' || q.ended
		if !whole {
			if q.grep != nil {
				return false // matched once it is whole
			}
			if raw = raw[:runeEnd(raw)]; len(raw) == 0 {
				return false
			}
		}
		out := render(raw, q.strip)
		if q.grep != nil && pos-from > scanLimit {
			r.truncated = true
			return false
		}
		if q.grep != nil && !q.grep.Match(bytes.TrimSuffix(out, []byte("\n"))) {
			pos += int64(len(raw))
			return true
		}
		if len(text)+len(out) > q.max {
			r.truncated = true
			if len(text) == 0 { // one line longer than max: as much as fits
				cut := fitting(raw, q.max, q.strip)
				text = render(raw[:cut], q.strip)
				pos += int64(cut)
			}
			return false
		}
		text = append(text, out...)
		pos += int64(len(raw))
		return true
	})
	r.text, r.next = string(text), pos
	return r, err
}

// readBackward reads the end of the log: the last tail lines, or the
// last max bytes, or with grep the last matching lines.
func readBackward(v *engine.LogView, q logQuery) (logResult, error) {
	var r logResult
	end := v.End()
	from := v.Start()
	if q.tail >= 0 && q.grep == nil {
		n, err := v.LineStart(q.tail)
		if err != nil {
			return r, err
		}
		from = n
	}
	// Only what can end up in max bytes of text is read (escape sequences
	// aside), and all of the log only when grepping.
	limit := int64(4*q.max + 4096)
	if q.grep != nil {
		limit = scanLimit
	}
	if end-from > limit {
		from, r.truncated = end-limit, true
	}
	var lines [][]byte
	size := 0
	r.next = end
	err := eachLine(v, from, end, func(raw []byte) bool {
		if raw[len(raw)-1] != '\n' && !q.ended {
			if q.grep != nil {
				r.next -= int64(len(raw)) // matched once it is whole
				return false
			}
			keep := runeEnd(raw)
			r.next -= int64(len(raw) - keep)
			if raw = raw[:keep]; len(raw) == 0 {
				return false
			}
		}
		out := render(raw, q.strip)
		if q.grep != nil && !q.grep.Match(bytes.TrimSuffix(out, []byte("\n"))) {
			return true
		}
		lines = append(lines, out)
		size += len(out)
		return true
	})
	if err != nil {
		return r, err
	}
	if q.grep != nil && q.tail >= 0 && len(lines) > q.tail {
		for _, l := range lines[:len(lines)-q.tail] {
			size -= len(l)
		}
		lines = lines[len(lines)-q.tail:]
	}
	for len(lines) > 1 && size > q.max {
		size -= len(lines[0])
		lines, r.truncated = lines[1:], true
	}
	text := bytes.Join(lines, nil)
	if len(text) > q.max { // one line longer than max: its end
		cut := len(text) - q.max
		for cut < len(text) && !utf8.RuneStart(text[cut]) {
			cut++
		}
		text, r.truncated = text[cut:], true
	}
	r.text = string(text)
	return r, nil
}

// eachLine calls fn with each line of v in [from, end), newline included;
// the last may lack one. It stops when fn returns false.
func eachLine(v *engine.LogView, from, end int64, fn func(line []byte) bool) error {
	if from >= end {
		return nil
	}
	const chunk = 64 << 10
	buf := make([]byte, 0, chunk)
	pos := from
	for pos < end || len(buf) > 0 {
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			if !fn(buf[:i+1]) {
				return nil
			}
			buf = buf[i+1:]
			continue
		}
		if pos >= end {
			fn(buf)
			return nil
		}
		// Keep the partial line, read more after it.
		n := int(min(int64(chunk), end-pos))
		grown := make([]byte, len(buf), len(buf)+n)
		copy(grown, buf)
		got, err := v.ReadAt(grown[len(buf):len(buf)+n], pos)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if got == 0 {
			return io.ErrUnexpectedEOF
		}
		buf = grown[:len(buf)+got]
		pos += int64(got)
	}
	return nil
}

// runeEnd is len(b) less an incomplete UTF-8 sequence at its end, which
// the rest of the character, not yet written, will complete.
func runeEnd(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// fitting is the longest prefix of raw, ending on a character, whose
// rendering holds in max bytes.
func fitting(raw []byte, max int, strip bool) int {
	n := min(len(raw), max)
	for n > 0 {
		cut := runeEnd(raw[:n])
		if cut == 0 {
			cut = n
		}
		if len(render(raw[:cut], strip)) <= max {
			return cut
		}
		n = n * 2 / 3
	}
	return 0
}

// render makes a line of output fit for a JSON string: escape sequences
// removed when strip is set, invalid UTF-8 as U+FFFD.
func render(raw []byte, strip bool) []byte {
	b := raw
	if strip {
		b = stripANSI(b)
	}
	if !utf8.Valid(b) {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	if len(b) > 0 && &b[0] == &raw[0] {
		return append([]byte(nil), b...) // never alias the read buffer
	}
	return b
}

// tail is the last n lines of the task's output as text, for a run that
// failed; "" when there is none.
func (s *Server) tail(id string, n int) string {
	v, err := s.e.OpenLog(id)
	if err != nil {
		return ""
	}
	defer v.Close()
	r, err := readBackward(v, logQuery{tail: n, max: 16 << 10, strip: true, ended: true})
	if err != nil {
		return ""
	}
	return r.text
}
