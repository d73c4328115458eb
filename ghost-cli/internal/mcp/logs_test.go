//go:build unix

package mcp

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// gate is a shell fragment that holds the task until the test creates
// file name in its working directory: the test decides when each burst of
// output is written.
func gate(name string) string {
	return "while [ ! -e " + name + " ]; do sleep 0.02; done; "
}

func (h *harness) open(cwd, name string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(cwd, name), nil, 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) logs(args map[string]any) logsOut {
	h.t.Helper()
	var out logsOut
	h.ok("logs", args, &out)
	return out
}

// A reader with a cursor gets each byte once: what is new since its last
// call, and across rotations exactly what was rotated away as lost_bytes,
// never a repeat.
func TestLogsCursorContinuesAcrossRotation(t *testing.T) {
	h := serve(t, logs.Policy{MaxSize: 4096, MaxFiles: 2})
	cwd := t.TempDir()
	script := "seq 1 100; " + gate("go1") + "seq 101 5000; " + gate("go2") + "echo end"
	run := h.runTask(map[string]any{"command": script, "cwd": cwd})
	id := run.Task.ID

	var w waitOut
	h.ok("wait", map[string]any{"task": id, "until": "log", "pattern": "^100$", "timeout_s": 30}, &w)
	first := h.logs(map[string]any{"task": id, "cursor": "0"})
	if first.Text != seq(1, 100) || first.LostBytes != 0 || first.TaskEnded {
		t.Fatalf("first read: %+v", first)
	}
	if again := h.logs(map[string]any{"task": id, "cursor": first.NextCursor}); again.Text != "" || again.NextCursor != first.NextCursor {
		t.Fatalf("nothing new, yet: %+v", again)
	}

	h.open(cwd, "go1")
	h.ok("wait", map[string]any{"task": id, "until": "log", "log": "^5000$", "cursor": first.NextCursor, "timeout_s": 30}, &w)
	if !w.Done || w.MatchedLine != "5000" {
		t.Fatalf("wait for the last line: %+v", w)
	}
	burst := seq(101, 5000)
	second := h.logs(map[string]any{"task": id, "cursor": first.NextCursor})
	if second.LostBytes == 0 || second.LostBytes+int64(len(second.Text)) != int64(len(burst)) || !strings.HasSuffix(burst, second.Text) {
		t.Fatalf("after rotation: lost %d + read %d, want %d in all, the read part at the end", second.LostBytes, len(second.Text), len(burst))
	}
	next, _ := strconv.ParseInt(second.NextCursor, 10, 64)
	if want := int64(len(seq(1, 5000))); next != want {
		t.Errorf("next_cursor %d, want %d (every byte written so far)", next, want)
	}
	if w.NextCursor != second.NextCursor {
		t.Errorf("wait's next_cursor %s, logs' %s: both follow the line 5000", w.NextCursor, second.NextCursor)
	}

	h.open(cwd, "go2")
	h.waitExit(id)
	last := h.logs(map[string]any{"task": id, "cursor": second.NextCursor})
	if last.Text != "end\n" || last.LostBytes != 0 || !last.TaskEnded {
		t.Errorf("last read: %+v", last)
	}
	// A cursor from before what rotation kept reads from the oldest kept byte.
	if old := h.logs(map[string]any{"task": id, "cursor": "0", "max_bytes": 100}); old.LostBytes == 0 || !old.Truncated || len(old.Text) > 100 {
		t.Errorf("stale cursor: %+v", old)
	}
	h.invalid("logs", map[string]any{"task": id, "cursor": "99999999"})
}

func seq(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

func TestLogsTailGrepAndText(t *testing.T) {
	h := serve(t, logs.Policy{})
	run := h.runTask(map[string]any{"command": `printf '\033[31mred\033[0m line\nbad \377 byte\nplain 1\nplain 2\nno newline'`})
	id := run.Task.ID
	h.waitExit(id)
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "red line\nbad \uFFFD byte\nplain 1\nplain 2\nno newline"},
		{map[string]any{"tail": 2}, "plain 2\nno newline"},
		{map[string]any{"tail": 0}, ""},
		{map[string]any{"grep": "^plain"}, "plain 1\nplain 2\n"},
		{map[string]any{"grep": "^plain", "tail": 1}, "plain 2\n"},
		{map[string]any{"grep": "^red line$"}, "red line\n"},
		{map[string]any{"strip_ansi": false, "tail": 5, "grep": "red"}, "\x1b[31mred\x1b[0m line\n"},
		{map[string]any{"cursor": "0", "max_bytes": 20}, "red line\n"},
		{map[string]any{"max_bytes": 20}, "plain 2\nno newline"},
	} {
		c.args["task"] = id
		got := h.logs(c.args)
		if got.Text != c.want {
			t.Errorf("logs %v: %q, want %q", c.args, got.Text, c.want)
		}
		if !got.TaskEnded {
			t.Errorf("logs %v: task_ended false", c.args)
		}
	}
	// Paging with max_bytes: the pages join up to the whole log.
	var all strings.Builder
	cursor := "0"
	for range 20 {
		page := h.logs(map[string]any{"task": id, "cursor": cursor, "max_bytes": 12})
		all.WriteString(page.Text)
		if page.NextCursor == cursor {
			break
		}
		cursor = page.NextCursor
	}
	if want := "red line\nbad \uFFFD byte\nplain 1\nplain 2\nno newline"; all.String() != want {
		t.Errorf("pages joined: %q, want %q", all.String(), want)
	}
}

// A running task's partial last line is returned without its unfinished
// character, which the next call gets whole.
func TestLogsNeverSplitACharacter(t *testing.T) {
	h := serve(t, logs.Policy{})
	cwd := t.TempDir()
	run := h.runTask(map[string]any{"command": `printf 'caf\303'; ` + gate("go") + `printf '\251\n'`, "cwd": cwd})
	id := run.Task.ID
	var w waitOut
	h.ok("wait", map[string]any{"task": id, "until": "log", "pattern": "caf", "timeout_s": 0.3}, &w) // a partial line never matches
	if w.Done {
		t.Fatalf("a partial line matched: %+v", w)
	}
	first := h.logs(map[string]any{"task": id, "cursor": "0"})
	if first.Text != "caf" || first.NextCursor != "3" {
		t.Fatalf("first read: %+v", first)
	}
	h.open(cwd, "go")
	h.waitExit(id)
	if rest := h.logs(map[string]any{"task": id, "cursor": first.NextCursor}); rest.Text != "é\n" {
		t.Errorf("rest: %q", rest.Text)
	}
}

func TestStripANSI(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                      "plain",
		"\x1b[1;31mbold red\x1b[0m":  "bold red",
		"\x1b]0;title\x07text":       "text",
		"\x1b]8;;http://x\x1b\\link": "link",
		"\x1b(Bcharset":              "charset",
		"lone \x1b":                  "lone ",
		"\x1b[?25lhidden cursor":     "hidden cursor",
		"tab\tand \r kept":           "tab\tand \r kept",
	} {
		if got := string(stripANSI([]byte(in))); got != want {
			t.Errorf("stripANSI(%q) = %q, want %q", in, got, want)
		}
	}
}
