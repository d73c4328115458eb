package logs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// base is a fixed capture time for tests: records carry what the writer
// was given.
var base = time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)

func writeAt(t *testing.T, w *Writer, s Stream, at time.Time, text string) {
	t.Helper()
	if _, err := w.WriteStream(s, at, []byte(text)); err != nil {
		t.Fatal(err)
	}
}

// lines reads the task's log as records, formatted "stream time line".
func lines(t *testing.T, dir string, q Query) []string {
	t.Helper()
	var out []string
	err := Lines(dir, id, q, func(r Record) error {
		s := fmt.Sprintf("%s %s %s", r.Stream, r.Time.UTC().Format("15:04:05.000"), r.Line)
		if r.Partial {
			s += " (partial)"
		}
		if r.Sep {
			s = "-- " + s
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Reads of the two streams interleave in the file; a line cut across
// reads is joined per stream, with the time of its first byte, and the
// file itself holds exactly the bytes in read order.
func TestLinesAreSplitPerStreamWithFirstByteTime(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	sec := func(n int) time.Time { return base.Add(time.Duration(n) * time.Second) }
	writeAt(t, w, Stdout, sec(0), "out one\nout tw")
	writeAt(t, w, Stderr, sec(1), "err one\nerr")
	writeAt(t, w, Stdout, sec(2), "o\nout three\n")
	writeAt(t, w, Stderr, sec(3), " two\n")
	writeAt(t, w, Stdout, sec(4), "no newline")
	w.Close()
	raw, _ := os.ReadFile(Path(dir, id))
	if want := "out one\nout twerr one\nerro\nout three\n two\nno newline"; string(raw) != want {
		t.Errorf("log file holds %q, want %q", raw, want)
	}
	equalLines(t, lines(t, dir, Query{Tail: -1}), []string{
		"stdout 10:30:00.000 out one",
		"stderr 10:30:01.000 err one",
		"stdout 10:30:00.000 out two",
		"stdout 10:30:02.000 out three",
		"stderr 10:30:01.000 err two",
		"stdout 10:30:04.000 no newline (partial)",
	})
	equalLines(t, lines(t, dir, Query{Streams: Stderr, Tail: -1}), []string{
		"stderr 10:30:01.000 err one",
		"stderr 10:30:01.000 err two",
	})
	equalLines(t, lines(t, dir, Query{Streams: Stdout, Tail: 2}), []string{
		"stdout 10:30:02.000 out three",
		"stdout 10:30:04.000 no newline (partial)",
	})
}

// Rotation cuts after the last whole line that fits: with whole lines
// written, every file starts and ends at a line boundary, no file passes
// the limit, and a line longer than a file is still split.
func TestRotationKeepsWholeLines(t *testing.T) {
	dir := t.TempDir()
	p := Policy{MaxSize: 100, MaxFiles: 50}
	w, err := Create(dir, id, p)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for i := range 40 {
		// several lines a write, of varying length, as a pipe read gives
		var b strings.Builder
		for j := range i%4 + 1 {
			fmt.Fprintf(&b, "line %d.%d %s\n", i, j, strings.Repeat("x", (i*7+j)%30))
		}
		all.WriteString(b.String())
		writeAt(t, w, Stdout, base, b.String())
	}
	long := strings.Repeat("L", 250) + "\n"
	all.WriteString(long)
	writeAt(t, w, Stdout, base, long)
	w.Close()
	files, _ := Files(dir, id)
	var joined strings.Builder
	longParts := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		joined.Write(b)
		if int64(len(b)) > p.MaxSize {
			t.Errorf("%s is %d bytes, over %d", f, len(b), p.MaxSize)
		}
		if bytes.Contains(b, []byte("LLL")) {
			longParts++
			continue
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Errorf("%s ends mid-line: %q", f, b[max(0, len(b)-20):])
		}
	}
	if joined.String() != all.String() {
		t.Errorf("the files together are not the output")
	}
	if longParts < 3 {
		t.Errorf("a 251-byte line in 100-byte files is in %d files, want 3", longParts)
	}
}

// After rotation drops old files, reading never starts with the rest of a
// line whose start is gone, even when reads cut lines anywhere.
func TestReadingNeverStartsWithAFragment(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, Policy{MaxSize: 1 << 10, MaxFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for i := range 500 {
		fmt.Fprintf(&all, "%d %s\n", i, strings.Repeat("x", 90))
	}
	data := all.Bytes()
	for len(data) > 0 { // reads of 37 bytes: cut anywhere in a line
		n := min(37, len(data))
		writeAt(t, w, Stdout, base, string(data[:n]))
		data = data[n:]
	}
	w.Close()
	for _, tail := range []int{-1, 100000} {
		got := readAll(t, dir, tail)
		if !strings.HasSuffix(all.String(), "\n"+got) {
			t.Errorf("tail %d: kept output %q... is not whole lines ending the output", tail, got[:min(20, len(got))])
		}
		ls := lines(t, dir, Query{Tail: tail})
		if first := strings.Fields(ls[0])[2]; !strings.HasPrefix(got, first+" x") {
			t.Errorf("tail %d: lines start at %q, bytes at %q", tail, first, got[:10])
		}
	}
}

// A rotated file from a ghost without indexes, cut mid-line, starts at its
// first newline; its lines have no time.
func TestOldRotatedFileStartsAtItsFirstNewline(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(rotatedPath(dir, id, 2), []byte("39\n40\n41\n"), 0o600)
	os.WriteFile(rotatedPath(dir, id, 1), []byte("42\n43"), 0o600)
	os.WriteFile(Path(dir, id), []byte("44\n45\n"), 0o600)
	if got := readAll(t, dir, -1); got != "40\n41\n42\n4344\n45\n" {
		t.Errorf("got %q", got)
	}
	got := lines(t, dir, Query{Tail: -1})
	if len(got) != 5 || got[0] != "stdout 00:00:00.000 40" {
		// time.Time{} formats as 00:00:00 in UTC
		t.Errorf("got %q", got)
	}
	if got := lines(t, dir, Query{Since: base, Tail: -1}); len(got) != 0 {
		t.Errorf("lines of unknown time passed --since: %q", got)
	}
}

// Since and Until select by capture time across rotated files; grep with
// context prints groups as grep -C does.
func TestTimeAndGrepAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, Policy{MaxSize: 64, MaxFiles: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		s := Stdout
		if i%3 == 0 {
			s = Stderr
		}
		writeAt(t, w, s, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("line %02d\n", i))
	}
	w.Close()
	if files, _ := Files(dir, id); len(files) < 4 {
		t.Fatalf("only %d files: the test needs rotation", len(files))
	}
	got := lines(t, dir, Query{Since: base.Add(10 * time.Second), Until: base.Add(12 * time.Second), Tail: -1})
	equalLines(t, got, []string{"stdout 10:30:10.000 line 10", "stdout 10:30:11.000 line 11", "stderr 10:30:12.000 line 12"})

	grep := func(re string, before, after, tail int) []string {
		return lines(t, dir, Query{Grep: NewGrep(regexp.MustCompile(re), before, after), Tail: tail})
	}
	equalLines(t, grep(`line (05|06|20)`, 1, 1, -1), []string{
		"stdout 10:30:04.000 line 04",
		"stdout 10:30:05.000 line 05",
		"stderr 10:30:06.000 line 06",
		"stdout 10:30:07.000 line 07",
		"-- stdout 10:30:19.000 line 19",
		"stdout 10:30:20.000 line 20",
		"stderr 10:30:21.000 line 21",
	})
	// groups that touch are one group, as with grep
	equalLines(t, grep(`line (05|08)`, 1, 1, -1), []string{
		"stdout 10:30:04.000 line 04", "stdout 10:30:05.000 line 05", "stderr 10:30:06.000 line 06",
		"stdout 10:30:07.000 line 07", "stdout 10:30:08.000 line 08", "stderr 10:30:09.000 line 09",
	})
	// no context, no separator; -n counts what is printed
	equalLines(t, grep(`line [12]5`, 0, 0, -1), []string{"stderr 10:30:15.000 line 15", "stdout 10:30:25.000 line 25"})
	equalLines(t, grep(`line .5`, 0, 0, 1), []string{"stdout 10:30:25.000 line 25"})
}

// A follower with a stream filter gets each new line once, in order, as
// the writer adds them across rotations; partial lines wait for their
// newline or the end.
func TestFollowLinesAsTheLogGrows(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, Policy{MaxSize: 50, MaxFiles: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	l, err := NewLineFollower(dir, id, Query{Streams: Stderr, Tail: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var got []string
	collect := func(r Record) error { got = append(got, string(r.Line)); return nil }
	writeAt(t, w, Stderr, base, "e0\ne1\n")
	writeAt(t, w, Stdout, base, "o0\n")
	l.Drain(false, collect)
	for i := 2; i < 40; i++ {
		writeAt(t, w, Stdout, base, fmt.Sprintf("out %d\n", i))
		writeAt(t, w, Stderr, base, fmt.Sprintf("e%d\n", i))
		if i%7 == 0 {
			l.Drain(false, collect)
		}
	}
	writeAt(t, w, Stderr, base, "last")
	l.Drain(false, collect)
	if got[len(got)-1] == "last" {
		t.Errorf("a partial line was given before the end")
	}
	l.Drain(true, collect)
	want := []string{"e1"}
	for i := 2; i < 40; i++ {
		want = append(want, fmt.Sprintf("e%d", i))
	}
	equalLines(t, got, append(want, "last"))
}

// A log file deleted while the task writes is noticed at the next write:
// the writer says so and goes on in a new file, with a fresh index.
func TestDeletedLogIsReplaced(t *testing.T) {
	if underWine() {
		t.Skip("wine removes a file others hold open only when the last handle closes, and does not mark it deleted meanwhile; Windows does (CI)")
	}
	dir := t.TempDir()
	w, err := Create(dir, id, DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	writeAt(t, w, Stdout, base, "before\n")
	if err := os.Remove(Path(dir, id)); err != nil {
		t.Fatal(err)
	}
	if w.Trouble() != "" {
		t.Fatal("trouble before anything was written")
	}
	writeAt(t, w, Stderr, base.Add(time.Second), "after\n")
	if !strings.Contains(w.Trouble(), "deleted") {
		t.Errorf("trouble = %q", w.Trouble())
	}
	equalLines(t, lines(t, dir, Query{Tail: -1}), []string{"stderr 10:30:01.000 after"})
}

// A writer adopted by the monitor's next image carries on with the index:
// streams and line state survive the hand-over.
func TestAdoptKeepsTheIndex(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, Policy{MaxSize: 40, MaxFiles: 10})
	if err != nil {
		t.Fatal(err)
	}
	writeAt(t, w, Stdout, base, "abc\nde")
	writeAt(t, w, Stderr, base, "err\n")
	w2, err := Adopt(dir, id, w.Policy(), w.File(), w.Index())
	if err != nil {
		t.Fatal(err)
	}
	if w2.open != Stdout || w2.lineStart[0] != 4 {
		t.Errorf("adopted open lines %v from %v, want stdout from 4", w2.open, w2.lineStart)
	}
	writeAt(t, w2, Stdout, base.Add(time.Second), "f\n")
	for i := range 10 {
		writeAt(t, w2, Stderr, base, fmt.Sprintf("e%d\n", i))
	}
	w2.Close()
	got := lines(t, dir, Query{Streams: Stdout, Tail: -1})
	equalLines(t, got, []string{"stdout 10:30:00.000 abc", "stdout 10:30:00.000 def"})
}

// FollowLines ends with the task and has given every line.
func TestFollowLinesEndsWithTheTask(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	writeAt(t, w, Stdout, base, "one\ntwo")
	w.Close()
	var got []string
	err = FollowLines(context.Background(), dir, id, Query{Tail: -1}, func() bool { return true }, nil,
		func(r Record) error { got = append(got, string(r.Line)); return nil })
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, got, []string{"one", "two"})
}
