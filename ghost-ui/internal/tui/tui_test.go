package tui

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestMain lets this test binary serve as a task's monitor when the UI
// (restart) or a test launches a task, as the ghost-ui binary does.
func TestMain(m *testing.M) {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	time.Local = time.UTC // golden files show times of day
	os.Exit(m.Run())
}

var base = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// fixture is a task written straight into the store, with a log: a fixed
// history for golden renders.
type fixture struct {
	id, name string
	command  []string
	end      task.End
	started  time.Duration // after base
	log      string
}

func code(n int) *int { return &n }

var fixtures = []fixture{
	{"11111111-aaaa-4aaa-8aaa-000000000001", "build", []string{"make", "all"},
		task.End{Status: task.Exited, ExitCode: code(0)}, 0, "compiling\nlinking\ndone\n"},
	{"22222222-bbbb-4bbb-8bbb-000000000002", "tests", []string{"go", "test", "./..."},
		task.End{Status: task.Exited, ExitCode: code(1)}, time.Minute, "FAIL\texample.com/x\t0.1s\n"},
	{"33333333-cccc-4ccc-8ccc-000000000003", "web", []string{"python3", "-m", "http.server"},
		task.End{Status: task.Killed, Signal: "SIGTERM"}, 2 * time.Minute, "Serving HTTP on 0.0.0.0 port 8000\n"},
	{"44444444-dddd-4ddd-8ddd-000000000004", "evil[red]\x1b[2J", []string{"printf", "\x1b]0;pwned\x07"},
		task.End{Status: task.Unknown}, 3 * time.Minute, "\x1b[31mred text\x1b[0m\rprogress 50%\rprogress 100%\n[yellow]not a tag\n"},
}

// stopAndSettle stops task tk and waits until its monitor is gone: the
// monitor may still write (its exit record, the database) after the end
// is readable, and the temporary directory must outlive those writes.
func stopAndSettle(t *testing.T, eng *engine.Engine, tk task.Task) {
	t.Helper()
	ctx := context.Background()
	if _, err := eng.Stop(ctx, tk.ID, 0); err != nil && !errors.Is(err, task.ErrNotRunning) {
		t.Errorf("stop: %v", err)
	}
	full, err := eng.Get(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	mon := proc.Identity{PID: full.MonitorPID, Start: full.MonitorStart, BootID: full.BootID}
	for deadline := time.Now().Add(30 * time.Second); mon.Live(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("monitor %d of %s still runs", mon.PID, tk.ShortID())
		}
	}
}

// newTestUI opens a data directory holding the fixtures and builds the UI
// on an 80x24 simulation screen, not started (no background work).
func newTestUI(t *testing.T) (*UI, tcell.SimulationScreen) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ghost")
	eng, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	for _, f := range fixtures {
		tk := task.Task{Listing: task.Listing{ID: f.id, Name: f.name, Command: f.command, Cwd: "/srv", StartedAt: base.Add(f.started),
			LogPath: "/data/logs/" + f.id + ".log"}, Env: map[string]string{"HOME": "/root", "API_TOKEN": "hunter2"}}
		end := f.end
		if end.Status != task.Unknown {
			end.FinishedAt = base.Add(f.started + 90*time.Second)
		}
		addRow(t, dir, tk, end)
		if err := os.WriteFile(logs.Path(filepath.Join(dir, "logs"), f.id), []byte(f.log), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	screen.SetSize(80, 24)
	app := tview.NewApplication().SetScreen(screen)
	u := New(app, eng)
	u.now = func() time.Time { return base.Add(time.Hour) }
	u.screen = screen
	u.render()
	testDirs.Store(u, dir)
	return u, screen
}

// testDirs holds the data directory of each UI newTestUI built.
var testDirs sync.Map

func dataDir(u *UI) string {
	d, _ := testDirs.Load(u)
	return d.(string)
}

// reserve writes a task's row as its monitor would when it starts, and
// finish its end, straight into the database, as another ghost process
// would have.
func reserve(t testing.TB, eng *engine.Engine, tk task.Task) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(eng.DataDir(), "tasks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tk.Status = task.Running
	if err := st.Reserve(context.Background(), tk, []task.Status{task.Running}, func(task.Task) bool { return false }); err != nil {
		t.Fatal(err)
	}
}

func finish(t testing.TB, eng *engine.Engine, id string, end task.End) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(eng.DataDir(), "tasks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SetEnd(context.Background(), id, end, []task.Status{task.Running, task.Unknown}); err != nil {
		t.Fatal(err)
	}
}

// addRow writes a finished task straight into the data directory's
// database, as another ghost process would have.
func addRow(t testing.TB, dir string, tk task.Task, end task.End) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "tasks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tk.Status = task.Running
	if err := st.Reserve(ctx, tk, []task.Status{task.Running}, func(task.Task) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetEnd(ctx, tk.ID, end, []task.Status{task.Running}); err != nil {
		t.Fatal(err)
	}
}

// draw renders the UI and returns the screen as text.
func draw(u *UI, screen tcell.SimulationScreen) string {
	w, h := screen.Size()
	screen.Clear()
	u.pages.SetRect(0, 0, w, h)
	u.pages.Draw(screen)
	screen.Show()
	return screenText(screen)
}

func screenText(screen tcell.SimulationScreen) string {
	cells, w, h := screen.GetContents()
	var b strings.Builder
	for y := range h {
		var line strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				continue // the second cell of a wide rune
			}
			line.WriteString(string(c.Runes))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("screen differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func key(k tcell.Key) *tcell.EventKey { return tcell.NewEventKey(k, 0, tcell.ModNone) }
func runeKey(r rune) *tcell.EventKey  { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }

func press(u *UI, keys ...*tcell.EventKey) {
	for _, k := range keys {
		if ev := u.handleKey(k); ev != nil {
			// Not used by the capture: the focused widget would get it.
			if h := u.app.GetFocus().InputHandler(); h != nil {
				h(ev, func(p tview.Primitive) { u.app.SetFocus(p) })
			}
		}
	}
}

func TestGoldenMainScreen(t *testing.T) {
	u, screen := newTestUI(t)
	golden(t, "main", draw(u, screen))
}

func TestGoldenEvilTaskIsShownEscaped(t *testing.T) {
	u, screen := newTestUI(t)
	// Away and back to the newest, the evil one, and into its details:
	// its whole command, name and log on one screen.
	press(u, runeKey('G'), runeKey('g'))
	if pane := draw(u, screen); !strings.Contains(pane, "[yellow]not a tag") {
		t.Errorf("a colour tag in the log was not shown literally:\n%s", pane)
	}
	press(u, key(tcell.KeyEnter))
	out := draw(u, screen)
	golden(t, "evil", out)
	for _, want := range []string{`evil[red]\x1b[2J`, `\x1b]0;pwned\x07`} {
		if !strings.Contains(out, want) {
			t.Errorf("untrusted text %q was not shown literally:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("raw control characters on the screen:\n%q", out)
	}
}

func TestGoldenDetails(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('G'), key(tcell.KeyEnter))
	out := draw(u, screen)
	golden(t, "details", out)
	if strings.Contains(out, "hunter2") {
		t.Error("a secret-looking variable was shown")
	}
}

func TestGoldenHelp(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('?'))
	golden(t, "help", draw(u, screen))
}

func TestKeysMoveTheSelectionAndTheLogFollows(t *testing.T) {
	u, _ := newTestUI(t)
	if u.selectedID != fixtures[3].id {
		t.Fatalf("initial selection %s, want the newest", u.selectedID)
	}
	press(u, runeKey('j'))
	if u.selectedID != fixtures[2].id || u.log.id != fixtures[2].id {
		t.Errorf("after j: selected %s, log of %s", u.selectedID, u.log.id)
	}
	press(u, key(tcell.KeyDown), key(tcell.KeyDown), key(tcell.KeyDown))
	if u.selectedID != fixtures[0].id {
		t.Errorf("Down past the end: %s", u.selectedID)
	}
	if got := u.log.text(); got != "compiling\nlinking\ndone" {
		t.Errorf("log pane %q", got)
	}
	press(u, runeKey('k'))
	if u.selectedID != fixtures[1].id {
		t.Errorf("after k: %s", u.selectedID)
	}
	press(u, runeKey('g'))
	if u.selectedID != fixtures[3].id {
		t.Errorf("after g: %s", u.selectedID)
	}
}

func TestSelectionStaysOnTheSameTaskWhenTheListChanges(t *testing.T) {
	u, _ := newTestUI(t)
	press(u, runeKey('G')) // the oldest
	newer := task.Task{Listing: task.Listing{ID: "55555555-eeee-4eee-8eee-000000000005", Command: []string{"true"}, StartedAt: base.Add(time.Hour)}}
	addRow(t, dataDir(u), newer, task.End{Status: task.Exited, ExitCode: code(0), FinishedAt: base.Add(time.Hour)})
	u.reload()
	if u.selectedID != fixtures[0].id {
		t.Fatalf("selection moved to %s", u.selectedID)
	}
	if row := u.selectedIndex(); row != len(fixtures) {
		t.Errorf("selected row %d, want %d", row, len(fixtures))
	}
}

func TestStateFilterAndTextFilter(t *testing.T) {
	u, _ := newTestUI(t)
	press(u, runeKey('a'))
	if u.states != runningOnly || len(u.shown) != 0 {
		t.Errorf("running only: %v, %d shown", u.states, len(u.shown))
	}
	press(u, runeKey('a'))
	if u.states != finishedOnly || len(u.shown) != 4 {
		t.Errorf("finished: %v, %d shown", u.states, len(u.shown))
	}
	press(u, runeKey('a'), runeKey('/'))
	if !u.filtering || u.app.GetFocus() != u.filter {
		t.Fatal("/ did not open the filter")
	}
	press(u, runeKey('t'), runeKey('e'), runeKey('s'))
	if len(u.shown) != 1 || u.shown[0].ID != fixtures[1].id {
		t.Errorf("filter %q shows %d tasks", u.filterText, len(u.shown))
	}
	press(u, key(tcell.KeyEnter))
	if u.filtering || u.filterText != "tes" {
		t.Errorf("Enter: filtering %v, text %q", u.filtering, u.filterText)
	}
	press(u, runeKey('/'), key(tcell.KeyEscape))
	if u.filterText != "" || len(u.shown) != 4 {
		t.Errorf("Esc did not clear the filter: %q", u.filterText)
	}
}

func TestDetailsAndHelpCloseWithEsc(t *testing.T) {
	u, _ := newTestUI(t)
	for _, open := range []*tcell.EventKey{key(tcell.KeyEnter), runeKey('?')} {
		press(u, open)
		if name, _ := u.pages.GetFrontPage(); name == "main" {
			t.Fatalf("%v opened nothing", open.Name())
		}
		press(u, key(tcell.KeyEscape))
		if name, _ := u.pages.GetFrontPage(); name != "main" {
			t.Errorf("Esc left %s open", name)
		}
	}
}

func TestStopOnAFinishedTaskIsAnErrorOnTheStatusLine(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('s'))
	if u.confirm != nil || !u.isError || !strings.Contains(u.message, "is not running") {
		t.Errorf("confirm %v, message %q", u.confirm, u.message)
	}
	if out := draw(u, screen); !strings.Contains(out, "44444444 is not running") {
		t.Errorf("no error on screen:\n%s", out)
	}
}

func TestRemoveAsksThenDeletesTaskAndLog(t *testing.T) {
	u, _ := newTestUI(t)
	id := u.selectedID
	press(u, runeKey('d'))
	if u.confirm == nil {
		t.Fatal("d did not ask")
	}
	press(u, runeKey('n'))
	if _, err := u.eng.Get(context.Background(), id); err != nil {
		t.Fatal("n removed the task")
	}
	press(u, runeKey('d'), runeKey('y'))
	if _, err := u.eng.Get(context.Background(), id); err == nil {
		t.Fatal("y did not remove the task")
	}
	if _, err := os.Stat(logs.Path(filepath.Join(dataDir(u), "logs"), id)); err == nil {
		t.Error("the log is still there")
	}
	if u.selectedID == id || len(u.shown) != 3 {
		t.Errorf("selection %s, %d shown", u.selectedID, len(u.shown))
	}
}

func TestTabMovesFocusBetweenTableAndLog(t *testing.T) {
	u, _ := newTestUI(t)
	press(u, key(tcell.KeyTab))
	if u.app.GetFocus() != u.logView {
		t.Error("Tab did not focus the log")
	}
	press(u, key(tcell.KeyEscape))
	if u.app.GetFocus() != u.table {
		t.Error("Esc did not focus the table")
	}
	press(u, runeKey('f'))
	if u.logView.following {
		t.Error("f did not pause following")
	}
}

func TestDisplayLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                         "plain",
		"\x1b[1;31mbold red\x1b[0m":     "bold red",
		"a\rb\rfinal":                   "final",
		"tab\there":                     "tab    here",
		"\x1b]0;title\x07after":         "after",
		"bell\x07 nul\x00":              `bell\x07 nul\x00`,
		"windows line\r":                "windows line",
		"bidi \u202eevil":               `bidi \u202eevil`,
		fmt.Sprintf("%c[2Jclear", 0x1b): "clear",
	} {
		if got := displayLine(in); got != want {
			t.Errorf("displayLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// A running task older than the newest tasks the table holds is shown all
// the same, after them.
func TestOldRunningTaskStaysInSight(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh and sleep, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	dir := filepath.Join(t.TempDir(), "ghost")
	eng, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	old, err := eng.Run(ctx, engine.Spec{Command: []string{"sleep", "30"}, Cwd: "/", Env: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, eng, old)
	later := time.Now().Add(time.Hour)
	for i, id := range []string{"newer-1", "newer-2", "newer-3"} {
		tk := task.Task{Listing: task.Listing{ID: id, Command: []string{"true"}, Cwd: "/", StartedAt: later.Add(time.Duration(i) * time.Minute), LogPath: "/x"}}
		addRow(t, dir, tk, task.End{Status: task.Exited, ExitCode: code(0), FinishedAt: later})
	}
	got, more, err := shownTasks(ctx, eng, 2)
	if err != nil || !more {
		t.Fatalf("more %v, err %v; want older tasks reported left out", more, err)
	}
	var ids []string
	for _, tk := range got {
		ids = append(ids, tk.ID)
	}
	if want := []string{"newer-3", "newer-2", old.ID}; !slices.Equal(ids, want) {
		t.Errorf("shown %v, want %v", ids, want)
	}
}

// The header says when older tasks were left out of the table.
func TestHeaderCountsTasksLeftOut(t *testing.T) {
	u, screen := newTestUI(t)
	tasks, more, err := shownTasks(context.Background(), u.eng, 2)
	u.setTasks(tasks, more, err, u.query())
	if got := draw(u, screen); !strings.Contains(got, "2+ tasks") {
		t.Errorf("header without the left-out mark:\n%s", got)
	}
	tasks, more, err = shownTasks(context.Background(), u.eng, 10)
	u.setTasks(tasks, more, err, u.query())
	if got := draw(u, screen); !strings.Contains(got, " 4 tasks") || strings.Contains(got, "+ tasks") {
		t.Errorf("header for a table holding every task:\n%s", got)
	}
}

// Tasks of a project (`ghost up`) show as PROJECT/SERVICE, and the text
// filter finds them by their project, even one whose name does not say it
// (written by hand here: up always names PROJECT/SERVICE).
func TestFilterMatchesTheProject(t *testing.T) {
	u, screen := newTestUI(t)
	for i, name := range []string{"shop/web", "billing"} {
		tk := task.Task{Listing: task.Listing{ID: fmt.Sprintf("55555555-eeee-4eee-8eee-00000000000%d", i), Name: name, Project: "shop",
			Command: []string{"sleep", "1"}, Cwd: "/srv", StartedAt: base.Add(10 * time.Minute), LogPath: "/x"}}
		addRow(t, dataDir(u), tk, task.End{Status: task.Exited, ExitCode: code(0), FinishedAt: base.Add(11 * time.Minute)})
	}
	u.reload()
	press(u, runeKey('/'))
	for _, r := range "SHOP" {
		press(u, runeKey(r))
	}
	if len(u.shown) != 2 || u.shown[0].Project != "shop" || u.shown[1].Project != "shop" {
		t.Fatalf("filter %q shows %+v, want the two tasks of project shop", u.filterText, u.shown)
	}
	screenNow := draw(u, screen)
	for _, want := range []string{"shop/web", "billing"} {
		if !strings.Contains(screenNow, want) {
			t.Errorf("the table does not show %s:\n%s", want, screenNow)
		}
	}
}

func newApp(screen tcell.Screen) *tview.Application { return tview.NewApplication().SetScreen(screen) }
