package logs

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

const id2 = "4567cdef-0000-4000-8000-000000000000"

// appendFile writes to a log file directly, as ghost did before it
// recorded capture times.
func appendFile(t *testing.T, dir, id, s string) {
	t.Helper()
	f, err := os.OpenFile(Path(dir, id), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

type mergedLine struct {
	src  int
	line string
}

// writers opens a log writer for each id, closed when the test ends.
func writers(t *testing.T, dir string, ids ...string) []*Writer {
	t.Helper()
	var out []*Writer
	for _, id := range ids {
		w, err := Create(dir, id, DefaultPolicy)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		out = append(out, w)
	}
	return out
}

func collect(t *testing.T, dir string, sources []Source) []mergedLine {
	t.Helper()
	var got []mergedLine
	err := Merge(context.Background(), dir, sources, MergeOptions{}, func(src int, r Record) error {
		got = append(got, mergedLine{src, string(r.Line)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameLines(t *testing.T, what string, got, want []mergedLine) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: line %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// What the logs hold comes merged by capture time, each source's lines in
// their own order, whole however the writes cut them.
func TestMergeOrdersByCaptureTime(t *testing.T) {
	dir := t.TempDir()
	w := writers(t, dir, id, id2)
	t0 := time.Unix(1_800_000_000, 0)
	writeAt(t, w[0], Stdout, t0, "a1\na")
	writeAt(t, w[1], Stdout, t0.Add(time.Millisecond), "b1\n")
	writeAt(t, w[0], Stdout, t0.Add(2*time.Millisecond), "2\n") // a2 began at t0
	writeAt(t, w[1], Stdout, t0.Add(3*time.Millisecond), "b2\n")
	writeAt(t, w[0], Stdout, t0.Add(4*time.Millisecond), "a3\nhalf")
	sources := []Source{{ID: id, Query: Query{Tail: -1}}, {ID: id2, Query: Query{Tail: -1}}}
	sameLines(t, "all", collect(t, dir, sources),
		[]mergedLine{{0, "a1"}, {0, "a2"}, {1, "b1"}, {1, "b2"}, {0, "a3"}, {0, "half"}})
	sources = []Source{{ID: id, Query: Query{Tail: 2}}, {ID: id2, Query: Query{Tail: 1}}}
	sameLines(t, "tail", collect(t, dir, sources), []mergedLine{{1, "b2"}, {0, "a3"}, {0, "half"}})
}

// Logs kept before ghost recorded times come source after source.
func TestMergeWithoutTimesGoesSourceBySource(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, dir, id, "a1\na2\n")
	appendFile(t, dir, id2, "b1\n")
	sameLines(t, "untimed", collect(t, dir, []Source{{ID: id, Query: Query{Tail: -1}}, {ID: id2, Query: Query{Tail: -1}}}),
		[]mergedLine{{0, "a1"}, {0, "a2"}, {1, "b1"}})
}

// Following, a line is given once its newline is written, never mixed
// with another source's bytes, and Merge ends once every source has ended
// and is read to its end.
func TestMergeFollowsUntilEverySourceEnded(t *testing.T) {
	dir := t.TempDir()
	w := writers(t, dir, id, id2)
	var ended [2]atomic.Bool
	wake := make(chan struct{}, 1)
	lines := make(chan mergedLine, 100)
	done := make(chan error, 1)
	sources := []Source{{ID: id, Query: Query{Tail: -1}, Ended: ended[0].Load}, {ID: id2, Query: Query{Tail: -1}, Ended: ended[1].Load}}
	go func() {
		done <- Merge(context.Background(), dir, sources, MergeOptions{Follow: true, Wake: wake}, func(src int, r Record) error {
			lines <- mergedLine{src, string(r.Line)}
			return nil
		})
	}()
	poke := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	next := func(want mergedLine) {
		t.Helper()
		select {
		case got := <-lines:
			if got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no line; want %+v", want)
		}
	}
	write(t, w[0], "first ha")
	write(t, w[1], "other\n")
	poke()
	next(mergedLine{1, "other"})
	write(t, w[0], "lf\n")
	poke()
	next(mergedLine{0, "first half"})
	ended[1].Store(true)
	write(t, w[0], "no newline")
	poke()
	ended[0].Store(true)
	poke()
	next(mergedLine{0, "no newline"})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Merge did not end once both sources had")
	}
	if len(lines) != 0 {
		t.Errorf("more lines: %v", <-lines)
	}
}

// Sources discovered while following are read from their start and
// numbered after the others.
func TestMergeAddsDiscoveredSources(t *testing.T) {
	dir := t.TempDir()
	var ended, found atomic.Bool
	wake := make(chan struct{}, 1)
	lines := make(chan mergedLine, 100)
	done := make(chan error, 1)
	appendFile(t, dir, id, "old\n")
	appendFile(t, dir, id2, "new 1\n")
	discover := func() []Source {
		if found.Swap(true) {
			return nil
		}
		return []Source{{ID: id2, Query: Query{Tail: -1}, Ended: ended.Load}}
	}
	go func() {
		done <- Merge(context.Background(), dir, []Source{{ID: id, Query: Query{Tail: 0}, Ended: ended.Load}},
			MergeOptions{Follow: true, Wake: wake, Discover: discover},
			func(src int, r Record) error {
				lines <- mergedLine{src, string(r.Line)}
				return nil
			})
	}()
	wake <- struct{}{}
	select {
	case got := <-lines:
		if got != (mergedLine{1, "new 1"}) {
			t.Fatalf("got %+v, want the discovered source's first line", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no line from the discovered source")
	}
	ended.Store(true)
	wake <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
