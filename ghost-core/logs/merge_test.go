package logs

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const id2 = "4567cdef-0000-4000-8000-000000000000"

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

func TestMergeGivesWholeLinesOfEachSource(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, dir, id, "a1\na2\nhalf")
	appendFile(t, dir, id2, "b1\n"+strings.Repeat("x", maxLine+3))
	var got []mergedLine
	err := Merge(context.Background(), dir, []Source{{ID: id}, {ID: id2}}, MergeOptions{Tail: -1}, func(src int, line []byte) error {
		got = append(got, mergedLine{src, string(line)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []mergedLine{{0, "a1"}, {0, "a2"}, {0, "half"}, {1, "b1"}, {1, strings.Repeat("x", maxLine)}, {1, "xxx"}}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d: %.200v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %d %.20q, want %d %.20q", i, got[i].src, got[i].line, want[i].src, want[i].line)
		}
	}

	got = nil
	Merge(context.Background(), dir, []Source{{ID: id}, {ID: id2}}, MergeOptions{Tail: 1}, func(src int, line []byte) error {
		got = append(got, mergedLine{src, string(line)})
		return nil
	})
	if len(got) != 3 || got[0] != (mergedLine{0, "half"}) || got[1].line != strings.Repeat("x", maxLine) || got[2].line != "xxx" {
		t.Errorf("tail 1: %.100v", got)
	}
}

// Following, a line is given once its newline is written, never mixed
// with another source's bytes, and Merge ends once every source has ended
// and is read to its end.
func TestMergeFollowsUntilEverySourceEnded(t *testing.T) {
	dir := t.TempDir()
	var ended [2]atomic.Bool
	wake := make(chan struct{}, 1)
	lines := make(chan mergedLine, 100)
	done := make(chan error, 1)
	sources := []Source{{ID: id, Ended: ended[0].Load}, {ID: id2, Ended: ended[1].Load}}
	go func() {
		done <- Merge(context.Background(), dir, sources, MergeOptions{Tail: -1, Follow: true, Wake: wake}, func(src int, line []byte) error {
			lines <- mergedLine{src, string(line)}
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
	appendFile(t, dir, id, "first ha")
	appendFile(t, dir, id2, "other\n")
	poke()
	next(mergedLine{1, "other"})
	appendFile(t, dir, id, "lf\n")
	poke()
	next(mergedLine{0, "first half"})
	ended[1].Store(true)
	appendFile(t, dir, id, "no newline")
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
	var ended atomic.Bool
	var found atomic.Bool
	wake := make(chan struct{}, 1)
	lines := make(chan mergedLine, 100)
	done := make(chan error, 1)
	appendFile(t, dir, id, "old\n")
	appendFile(t, dir, id2, "new 1\n")
	discover := func() []Source {
		if found.Swap(true) {
			return nil
		}
		return []Source{{ID: id2, Ended: ended.Load}}
	}
	go func() {
		done <- Merge(context.Background(), dir, []Source{{ID: id, Ended: ended.Load}}, MergeOptions{Tail: 0, Follow: true, Wake: wake, Discover: discover},
			func(src int, line []byte) error {
				lines <- mergedLine{src, string(line)}
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
