package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// fillLog puts raw output in the pane of the selected task.
func fillLog(u *UI, raw string) {
	w := u.log.reset(u.selectedID)
	u.logView.reset()
	w.Write([]byte(raw))
	u.log.mu.Lock()
	u.log.loaded = true
	u.log.mu.Unlock()
}

func typeText(u *UI, s string) {
	for _, r := range s {
		press(u, runeKey(r))
	}
}

// A search from the followed end finds the newest match first; n goes
// on (wrapping), N back.
func TestLogSearchHighlightsAndMoves(t *testing.T) {
	u, screen := newTestUI(t)
	fillLog(u, "alpha\nbeta ERROR one\ngamma\ndelta error two\nepsilon\n")
	press(u, key(tcell.KeyTab), runeKey('/'))
	typeText(u, "error")
	press(u, key(tcell.KeyEnter))
	if u.logView.match != 3 || !strings.Contains(u.message, "match 2 of 2") {
		t.Errorf("after the search: match %d, message %q", u.logView.match, u.message)
	}
	draw(u, screen)
	x, y, _, _ := u.logView.GetInnerRect()
	_, _, style, _ := screen.GetContent(x+5, y+1) // the E of ERROR
	if _, _, attrs := style.Decompose(); attrs&tcell.AttrReverse == 0 {
		t.Error("the match is not highlighted")
	}
	press(u, runeKey('n'))
	if u.logView.match != 1 {
		t.Errorf("n from the last match went to line %d, want the first (1)", u.logView.match)
	}
	press(u, runeKey('N'))
	if u.logView.match != 3 {
		t.Errorf("N went to line %d, want 3", u.logView.match)
	}
}

func TestWrapShowsTheWholeLine(t *testing.T) {
	u, screen := newTestUI(t)
	fillLog(u, strings.Repeat("word ", 30)+"TAIL\n")
	if out := draw(u, screen); strings.Contains(out, "TAIL") {
		t.Fatal("the end of a long line shows without wrapping")
	}
	press(u, runeKey('w'))
	if out := draw(u, screen); !strings.Contains(out, "TAIL") {
		t.Errorf("w did not wrap:\n%s", out)
	}
}

// Colours are drawn as the screen's own colours: no escape byte reaches
// the screen, and c shows the text plain.
func TestANSIColoursAreConvertedNeverPassed(t *testing.T) {
	u, screen := newTestUI(t)
	fillLog(u, "\x1b[31mred\x1b[0m \x1b[1;38;5;82mgreen\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m plain\n")
	out := draw(u, screen)
	if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, "red green rgb plain") {
		t.Fatalf("screen:\n%q", out)
	}
	x, y, _, _ := u.logView.GetInnerRect()
	_, _, style, _ := screen.GetContent(x, y)
	if fg, _, _ := style.Decompose(); fg != tcell.PaletteColor(1) {
		t.Errorf("red is drawn in %v", fg)
	}
	_, _, style, _ = screen.GetContent(x+4, y)
	if fg, _, attrs := style.Decompose(); fg != tcell.PaletteColor(82) || attrs&tcell.AttrBold == 0 {
		t.Errorf("green is drawn in %v, %v", fg, attrs)
	}
	press(u, runeKey('c'))
	draw(u, screen)
	_, _, style, _ = screen.GetContent(x, y)
	if fg, _, _ := style.Decompose(); fg != tcell.ColorDefault {
		t.Errorf("c left the colour %v", fg)
	}
}

func TestPagerGetsTheWholeLogMadeSafe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the pager runs through /bin/sh, which Windows lacks")
	}
	u, _ := newTestUI(t)
	out := filepath.Join(t.TempDir(), "paged")
	t.Setenv("PAGER", "cat > "+out)
	press(u, runeKey('o'))
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the pager did not run: %v (status %q)", err, u.message)
	}
	if got := string(b); got != "progress 100%\n[yellow]not a tag\n" {
		t.Errorf("pager got %q", got)
	}
}

func TestOlderOutputIsReachable(t *testing.T) {
	u, screen := newTestUI(t)
	var b strings.Builder
	for i := range startLines + 300 {
		fmt.Fprintf(&b, "line %03d\n", i)
	}
	id := u.selectedID
	if err := os.WriteFile(filepathLog(u, id), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	u.log.reset("")
	u.showLog()
	if strings.Contains(u.log.text(), "line 000") {
		t.Fatal("the whole log was read at once")
	}
	u.live = true // loadOlder hands over through the event loop
	runApp(t, u)
	screen.InjectKey(tcell.KeyTab, 0, tcell.ModNone)
	screen.InjectKey(tcell.KeyRune, 'g', tcell.ModNone)
	eventually(t, u, "older lines are read in", func() bool { return strings.HasPrefix(u.log.text(), "line 000\n") })
	onUI(t, u, func() {
		if n := strings.Count(u.log.text(), "\n") + 1; n != startLines+300 {
			t.Errorf("%d lines after reading older ones, want %d", n, startLines+300)
		}
	})
	eventually(t, u, "the first line is on screen", func() bool {
		return strings.Contains(screenText(screen), "line 000")
	})
}

func filepathLog(u *UI, id string) string {
	return filepath.Join(filepath.Join(u.eng.DataDir(), "logs"), id+".log")
}

func TestNewTaskFromThePrompt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh, sleep or true, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	u, _ := newTestUI(t)
	u.live = true
	runApp(t, u)
	onUI(t, u, func() {
		press(u, runeKey('n'))
		typeText(u, `echo 'hello there' world`)
		press(u, key(tcell.KeyTab))
		typeText(u, "greeter")
		press(u, key(tcell.KeyEnter))
	})
	eventually(t, u, "the new task is selected", func() bool {
		tk := u.selectedTask()
		return tk != nil && tk.Name == "greeter"
	})
	ctx := context.Background()
	tasks, _ := u.eng.List(ctx, engine.Filter{Limit: 1})
	if !slices.Equal(tasks[0].Command, []string{"echo", "hello there", "world"}) {
		t.Errorf("command %q", tasks[0].Command)
	}
	stopAndSettle(t, u.eng, task.Task{Listing: tasks[0]})
}

func TestCommandLine(t *testing.T) {
	for line, want := range map[string][]string{
		`npm run dev`:               {"npm", "run", "dev"},
		`echo "a b" 'c d' e\ f`:     {"echo", "a b", "c d", "e f"},
		`make && ./run | tee x`:     {"/bin/sh", "-c", "make && ./run | tee x"},
		`echo $HOME`:                {"/bin/sh", "-c", "echo $HOME"},
		`  python3 -m http.server `: {"python3", "-m", "http.server"},
	} {
		if got, err := commandLine(line); err != nil || !slices.Equal(got, want) {
			t.Errorf("commandLine(%q) = %q, %v", line, got, err)
		}
	}
	if _, err := commandLine("  "); err == nil {
		t.Error("an empty line was accepted")
	}
	if _, err := commandLine(`echo 'open`); err == nil {
		t.Error("an open quote was accepted")
	}
}

func TestCopyIDUsesTheClipboard(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('j'), runeKey('y'))
	if got := string(screen.GetClipboardData()); got != fixtures[2].id {
		t.Errorf("clipboard %q, want %s", got, fixtures[2].id)
	}
}

func TestPositionSortAndFooter(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('j'))
	if out := draw(u, screen); !strings.HasSuffix(strings.Split(out, "\n")[0], "2/4") {
		t.Errorf("no position 2/4 in the header:\n%s", out)
	}
	press(u, runeKey('S'))
	var names []string
	for _, tk := range u.shown {
		names = append(names, tk.Name)
	}
	if u.sortBy != byName || !slices.IsSorted(names) {
		t.Errorf("S sorted by %s: %v", u.sortBy, names)
	}
	if u.selectedID != fixtures[2].id {
		t.Error("sorting lost the selection")
	}
	for _, w := range []int{120, 60, 30} {
		f := footerText(false, w)
		if len([]rune(f)) > w || !strings.Contains(f, "? keys") || !strings.Contains(f, "q quit") {
			t.Errorf("footer at %d columns: %q", w, f)
		}
	}
	if strings.Contains(footerText(false, 40), "restart") {
		t.Error("a 40-column footer holds every key")
	}
}

// stderr is drawn in its own colour, and t shows when each line was
// written, both from the log's own record of streams and times.
func TestStderrColourAndTimestamps(t *testing.T) {
	u, screen := newTestUI(t)
	id := u.selectedID
	if err := logs.Remove(filepath.Join(u.eng.DataDir(), "logs"), id); err != nil {
		t.Fatal(err)
	}
	w, err := logs.Create(filepath.Join(u.eng.DataDir(), "logs"), id, logs.DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 10, 3, 4, 567_000_000, time.UTC)
	w.WriteStream(logs.Stdout, at, []byte("to stdout\n"))
	w.WriteStream(logs.Stderr, at.Add(time.Second), []byte("to stderr\n"))
	w.WriteStream(logs.Stderr, at.Add(2*time.Second), []byte("\r 10%\r 99%"))
	w.Close()
	u.log.reset("")
	u.showLog()
	if got := u.log.text(); got != "to stdout\nto stderr\n 99%" {
		t.Fatalf("pane %q", got)
	}
	draw(u, screen)
	x, y, _, _ := u.logView.GetInnerRect()
	for row, want := range []tcell.Color{tcell.ColorDefault, stderrColour, stderrColour} {
		_, _, style, _ := screen.GetContent(x+1, y+row)
		if fg, _, _ := style.Decompose(); fg != want {
			t.Errorf("row %d drawn in %v, want %v", row, fg, want)
		}
	}
	press(u, runeKey('t'))
	out := draw(u, screen)
	for _, want := range []string{"10:03:04.567 to stdout", "10:03:05.567 to stderr", "10:03:06.567  99%"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q with t:\n%s", want, out)
		}
	}
}

// The restart message names the new task, which is then selected.
func TestRestartNamesTheNewTask(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh, sleep or true, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	u, _ := newTestUI(t)
	wd, _ := os.Getwd()
	first, err := u.eng.Run(context.Background(), engine.Spec{Command: []string{"true"}, Cwd: wd, Env: os.Environ(), Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	stopAndSettle(t, u.eng, first)
	u.reload()
	u.live = true
	runApp(t, u)
	old := first.ID
	onUI(t, u, func() { press(u, runeKey('g'), runeKey('r')) })
	eventually(t, u, "the restarted task is selected", func() bool { return u.selectedID != old && u.selectedID != "" })
	var fresh string
	onUI(t, u, func() {
		fresh = u.selectedID
		if !strings.Contains(u.message, "as "+fresh[:8]) {
			t.Errorf("message %q does not name the new task %s", u.message, fresh[:8])
		}
	})
	tk, err := u.eng.Get(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	stopAndSettle(t, u.eng, tk)
}
