package command

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

func TestTableSizesColumnsByDisplayWidth(t *testing.T) {
	var b bytes.Buffer
	tb := newTable("ID", "NAME", "COMMAND")
	for _, cell := range []string{"1", "日本", "echo " + strings.Repeat("x", 100), "2", "ab\x1b", "ls"} {
		tb.add(cell)
	}
	tb.write(&b, 40, true)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %q", b.String())
	}
	// Column 3 starts at the same cell on every line.
	col := func(l string, field string) int { return runewidth.StringWidth(l[:strings.Index(l, field)]) }
	if col(lines[0], "COMMAND") != col(lines[1], "echo") || col(lines[1], "echo") != col(lines[2], "ls") {
		t.Errorf("columns do not line up:\n%s", b.String())
	}
	if w := runewidth.StringWidth(lines[1]); w > 40 || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("long line not cut to 40 cells (%d): %q", w, lines[1])
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Error("raw escape in table")
	}
}

func TestTableNarrowerThanItsColumnsIsCutNotWrapped(t *testing.T) {
	tb := newTable("ID", "NAME", "STATE", "COMMAND")
	for _, cell := range []string{"1", strings.Repeat("n", 60), "exited", "echo hi", "2", "web", "running", "echo ok"} {
		tb.add(cell)
	}
	var b bytes.Buffer
	tb.write(&b, 50, true)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for _, l := range lines {
		if w := runewidth.StringWidth(l); w > 50 {
			t.Errorf("line of %d cells on a 50-cell terminal would wrap: %q", w, l)
		}
	}
	// One long name narrows its column; it does not push the others off.
	if len(lines) != 3 || !strings.Contains(lines[1], "exited") || !strings.Contains(lines[1], "echo hi") ||
		!strings.Contains(lines[2], "running") || !strings.Contains(lines[2], "echo ok") {
		t.Errorf("columns lost on a narrow terminal:\n%s", b.String())
	}
	b.Reset()
	tb.write(&b, 50, false)
	if !strings.Contains(b.String(), strings.Repeat("n", 60)) {
		t.Errorf("without a terminal's width, a cell was cut: %q", b.String())
	}
}
