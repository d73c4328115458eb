package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Tests for the bugs of issue 17, one or more each, numbered as there.

// addFinished writes n finished tasks named prefix0.. into the store, the
// last the newest, each with a one-line log.
func addFinished(t *testing.T, eng *engine.Engine, prefix string, n int, from time.Time) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s-%04d-4000-8000-%012d", prefix, i, i)
		tk := task.Task{Listing: task.Listing{ID: id, Name: fmt.Sprintf("%s%d", prefix, i), Command: []string{"echo", prefix}, Cwd: "/",
			StartedAt: from.Add(time.Duration(i) * time.Second), LogPath: "/l"}}
		addRow(t, eng.DataDir(), tk, task.End{Status: task.Exited, ExitCode: code(0), FinishedAt: tk.StartedAt})
		if err := os.WriteFile(logs.Path(filepath.Join(eng.DataDir(), "logs"), id), []byte("output of "+tk.Name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// runApp runs the event loop until the test ends.
func runApp(t *testing.T, u *UI) {
	t.Helper()
	ran := make(chan error, 1)
	go func() { ran <- u.app.Run() }()
	t.Cleanup(func() {
		u.app.Stop()
		<-ran
		u.Close()
	})
}

func inject(screen tcell.SimulationScreen, keys string) {
	for _, r := range keys {
		screen.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
}

// 1. Fast navigation between a busy task and a finished one, with their
// followers racing: the finished task's pane must show its output every
// time. A stale follower's draw request once swallowed the new task's.
func TestBug1FastNavigationNeverLeavesThePaneBlank(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh, sleep or true, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	u, screen := newTestUI(t)
	wd, _ := os.Getwd()
	busy, err := u.eng.Run(context.Background(), engine.Spec{
		Name: "busy", Command: []string{"sh", "-c", "while :; do echo tick; sleep 0.002; done"},
		Cwd: wd, Env: os.Environ(), Log: logs.DefaultPolicy,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, u.eng, busy)
	u.filterText = "u" // busy and build
	u.reload()
	u.Start()
	runApp(t, u)
	eventually(t, u, "busy and build are shown", func() bool { return len(u.shown) == 2 })
	for i := range 15 {
		inject(screen, "gj")
		eventually(t, u, fmt.Sprintf("round %d: the finished task's log is on screen", i), func() bool {
			return u.selectedID == fixtures[0].id && strings.Contains(screenText(screen), "linking")
		})
	}
}

// 2. With following paused, another task's log still shows.
func TestBug2PausedPaneShowsTheNextTask(t *testing.T) {
	u, screen := newTestUI(t)
	press(u, runeKey('f'))
	if u.logView.following {
		t.Fatal("f did not pause")
	}
	press(u, key(tcell.KeyEnd))
	if out := draw(u, screen); !strings.Contains(out, "compiling") {
		t.Errorf("paused pane of the next task is empty:\n%s", out)
	}
}

// 3. After the state cycle, the selected row is on screen; after a shrink
// and a grow, the newest rows are back in view.
func TestBug3SelectionStaysInViewAfterStatesAndResize(t *testing.T) {
	u, screen := newTestUI(t)
	addFinished(t, u.eng, "many", 100, base.Add(-time.Hour))
	u.reload()
	screen.SetSize(120, 40)
	press(u, runeKey('g'))
	draw(u, screen)
	press(u, runeKey('a'), runeKey('a'), runeKey('a'))
	out := draw(u, screen)
	if u.selectedID != fixtures[3].id || !strings.Contains(out, "44444444") {
		t.Errorf("selected %s is off screen after a a a:\n%s", u.selectedID, out)
	}
	press(u, runeKey('/'), runeKey('m'), runeKey('a'), runeKey('n'), runeKey('y'), runeKey('5'), key(tcell.KeyEnter))
	press(u, runeKey('G'))
	draw(u, screen)
	press(u, runeKey('/'), key(tcell.KeyEscape))
	out = draw(u, screen)
	if !strings.Contains(out, "many5") {
		t.Errorf("selected %s is off screen after clearing the filter:\n%s", u.selectedID, out)
	}
	press(u, runeKey('g'))
	screen.SetSize(25, 6)
	draw(u, screen)
	screen.SetSize(200, 60)
	out = draw(u, screen)
	if lines := strings.Split(out, "\n"); !strings.HasPrefix(lines[2], "44444444") {
		t.Errorf("after shrinking and growing, the newest row is not the first shown:\n%s", out)
	}
}

// 4. In the focused log: g and G go to the log's top and bottom (the
// selection stays), scrolling up pauses following for good, h and l
// scroll sideways.
func TestBug4LogPaneKeys(t *testing.T) {
	u, screen := newTestUI(t)
	w := u.log.reset(fixtures[3].id)
	u.logView.reset()
	for i := range 100 {
		fmt.Fprintf(w, "line %03d %s\n", i, strings.Repeat("x", 100)+"END")
	}
	u.log.loaded = true
	draw(u, screen)
	press(u, key(tcell.KeyTab))
	sel := u.selectedID
	press(u, runeKey('g'))
	out := draw(u, screen)
	if u.selectedID != sel || !strings.Contains(out, "line 000") {
		t.Errorf("g in the log: selection %s, screen:\n%s", u.selectedID, out)
	}
	press(u, runeKey('G'))
	out = draw(u, screen)
	if !u.logView.following || !strings.Contains(out, "line 099") {
		t.Errorf("G in the log did not go to the end and follow:\n%s", out)
	}
	press(u, runeKey('k'))
	fmt.Fprintf(w, "line 100 new\n")
	out = draw(u, screen)
	if u.logView.following || strings.Contains(out, "line 100") || !strings.Contains(out, "line 098") {
		t.Errorf("scrolling up did not pause following:\n%s", out)
	}
	press(u, runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'), runeKey('l'))
	out = draw(u, screen)
	if !strings.Contains(out, "END") || strings.Contains(out, "line 0") {
		t.Errorf("l did not scroll sideways:\n%s", out)
	}
	press(u, runeKey('h'))
	if u.logView.left != 88 || u.app.GetFocus() != u.logView {
		t.Errorf("h: left %d, focus on the log %v", u.logView.left, u.app.GetFocus() == u.logView)
	}
}

// 5. Removing a task selects the next row, not the top.
func TestBug5RemoveSelectsTheNextRow(t *testing.T) {
	u, _ := newTestUI(t)
	press(u, runeKey('j'), runeKey('d'), runeKey('y'))
	if u.selectedID != fixtures[1].id {
		t.Errorf("after d y on the second row, selected %s, want the next row %s", u.selectedID, fixtures[1].id)
	}
}

// 6. A carriage-return spinner that never prints a newline keeps one
// short unfinished line, however many updates: each redraw does the same
// small work, not more with every update.
func TestBug6SpinnerKeepsItsLastStateOnly(t *testing.T) {
	p := newLogPane()
	w := p.reset("x")
	for i := range 100_000 {
		fmt.Fprintf(w, "\r\x1b[32m%3d%%\x1b[0m", i%100)
	}
	if len(p.open[0].text) > 32 || len(p.lines) != 0 {
		t.Errorf("after 100,000 updates: %d lines, unfinished line of %d bytes", len(p.lines), len(p.open[0].text))
	}
	if got := p.text(); got != " 99%" {
		t.Errorf("pane shows %q", got)
	}
	w.Write([]byte("\r\ndone\n"))
	if got := p.text(); got != " 99%\ndone" {
		t.Errorf("after the newline: %q", got)
	}
}

// 7. Wide characters leave nothing behind when the view changes, and
// Ctrl-L redraws.
func TestBug7WideCharactersAndCtrlL(t *testing.T) {
	u, screen := newTestUI(t)
	w := u.log.reset(u.selectedID)
	u.logView.reset()
	fmt.Fprintf(w, "%s😀😀 wide\n", strings.Repeat("a", 76))
	u.log.loaded = true
	if out := draw(u, screen); !strings.Contains(out, "😀") {
		t.Fatalf("the emoji is not shown:\n%s", out)
	}
	press(u, runeKey('j'))
	if out := draw(u, screen); strings.Contains(out, "😀") || strings.Contains(out, "\uFFFD") {
		t.Errorf("stray cells after the view changed:\n%s", out)
	}
	if ev := u.handleKey(key(tcell.KeyCtrlL)); ev != nil {
		t.Error("Ctrl-L was not handled")
	}
}

// 8. A click on the log pane gives it the keys: j and k scroll the log.
func TestBug8ClickOnTheLogGivesItTheKeys(t *testing.T) {
	u, screen := newTestUI(t)
	runApp(t, u)
	eventually(t, u, "drawn", func() bool { _, _, w, _ := u.logView.GetRect(); return w > 0 })
	var lx, ly int
	onUI(t, u, func() { lx, ly, _, _ = u.logView.GetInnerRect() })
	screen.InjectMouse(lx+2, ly+1, tcell.Button1, tcell.ModNone)
	screen.InjectMouse(lx+2, ly+1, tcell.ButtonNone, tcell.ModNone)
	eventually(t, u, "the log has the focus", func() bool { return u.logFocused() })
	inject(screen, "jk")
	eventually(t, u, "k scrolled the log", func() bool { return !u.logView.following })
	onUI(t, u, func() {
		if u.selectedID != fixtures[3].id {
			t.Errorf("j/k moved the table to %s", u.selectedID)
		}
	})
}

// 9. Secrets are masked by name and inside URLs; PWD and OLDPWD are not;
// the given variables are shown apart from the inherited ones.
func TestBug9DetailsMaskSecretsAndShowGivenApart(t *testing.T) {
	u, screen := newTestUI(t)
	env := map[string]string{
		"DATABASE_URL": "postgres://admin:pw123@db/prod", "HTTPS_PROXY": "http://u:pwproxy@proxy:3128",
		"PGPASS": "pgsecret", "GPG_PASSPHRASE": "gpgsecret", "GITHUB_PAT": "ghp_secret",
		"PWD": "/srv/app", "OLDPWD": "/srv", "SSL_CERT_FILE": "/etc/ssl/cert.pem", "HOME": "/root",
	}
	tk := task.Task{Listing: task.Listing{ID: "99999999-9999-4999-8999-999999999999", Name: "masked", Command: []string{"true"}, Cwd: "/",
		StartedAt: base.Add(time.Hour), LogPath: "/l"}, Env: env, EnvGiven: []string{"DATABASE_URL", "PGPASS"}}
	reserve(t, u.eng, tk)
	finish(t, u.eng, tk.ID, task.End{Status: task.Exited, ExitCode: code(0), FinishedAt: base.Add(time.Hour)})
	u.reload()
	screen.SetSize(100, 40)
	press(u, runeKey('g'), key(tcell.KeyEnter))
	out := draw(u, screen)
	for _, secret := range []string{"pw123", "pwproxy", "pgsecret", "gpgsecret", "ghp_secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s is shown:\n%s", secret, out)
		}
	}
	for _, shown := range []string{"PWD=/srv/app", "OLDPWD=/srv", "SSL_CERT_FILE=/etc/ssl/cert.pem", "postgres://admin:********@db/prod"} {
		if !strings.Contains(out, shown) {
			t.Errorf("%s is not shown:\n%s", shown, out)
		}
	}
	given, inherited, _ := strings.Cut(out, "inherited")
	if !strings.Contains(given, "PGPASS=") || strings.Contains(given, "HOME=") || !strings.Contains(inherited, "HOME=") {
		t.Errorf("given and inherited are not apart:\n%s", out)
	}
}

// 10. Filtering and G reach tasks older than the first page; when the
// filter matches nothing, the log shows nothing.
func TestBug10HistoryBeyondTheFirstPage(t *testing.T) {
	eng, err := engine.OpenDir(context.Background(), filepath.Join(t.TempDir(), "ghost"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ids := addFinished(t, eng, "hist", 30, base)
	screen := tcell.NewSimulationScreen("UTF-8")
	screen.Init()
	screen.SetSize(100, 30)
	u := newUIWithPage(t, eng, screen, 10)
	if !u.more || len(u.tasks) != 10 {
		t.Fatalf("first page: %d tasks, more %v", len(u.tasks), u.more)
	}
	press(u, runeKey('/'), runeKey('h'), runeKey('i'), runeKey('s'), runeKey('t'), runeKey('3'), key(tcell.KeyEnter))
	if len(u.shown) != 1 || u.shown[0].ID != ids[3] {
		t.Errorf("filter hist3 shows %v", statuses(u.shown))
	}
	press(u, runeKey('/'), key(tcell.KeyEscape), runeKey('G'))
	if u.selectedID != ids[0] {
		t.Errorf("G selected %s, want the oldest %s", u.selectedID, ids[0])
	}
	press(u, runeKey('/'), runeKey('z'), runeKey('z'), key(tcell.KeyEnter))
	if u.selectedID != "" || u.log.text() != "" {
		t.Errorf("nothing matches, yet %q is selected and its log shown", u.selectedID)
	}
	if out := draw(u, screen); !strings.Contains(out, "no task matches") {
		t.Errorf("no word for an empty table:\n%s", out)
	}
}

// newUIWithPage builds a UI loading page tasks at a time.
func newUIWithPage(t *testing.T, eng *engine.Engine, screen tcell.SimulationScreen, page int) *UI {
	t.Helper()
	app := newApp(screen)
	u := New(app, eng)
	u.q.limit = page
	u.screen = screen
	u.reload()
	return u
}

// 11. The smaller ones.
func TestBug11PageKeysMoveAPage(t *testing.T) {
	u, screen := newTestUI(t)
	addFinished(t, u.eng, "page", 60, base.Add(-time.Hour))
	u.reload()
	draw(u, screen)
	rows := u.table.rows
	press(u, key(tcell.KeyPgDn))
	if got := u.selectedIndex(); got != rows || rows <= 2 {
		t.Errorf("PgDn moved to row %d, want a page of %d", got, rows)
	}
	press(u, key(tcell.KeyPgUp))
	if got := u.selectedIndex(); got != 0 {
		t.Errorf("PgUp moved to row %d", got)
	}
}

func TestBug11ColumnWidthsStayWhileScrolling(t *testing.T) {
	u, screen := newTestUI(t)
	addFinished(t, u.eng, "w", 40, base.Add(-time.Hour))
	u.reload()
	header := strings.Split(draw(u, screen), "\n")[1]
	press(u, runeKey('G'))
	if got := strings.Split(draw(u, screen), "\n")[1]; got != header {
		t.Errorf("header changed while scrolling:\n%s\n%s", header, got)
	}
}

func TestBug11MessagesClear(t *testing.T) {
	old := messageTTL
	messageTTL = 50 * time.Millisecond
	defer func() { messageTTL = old }()
	u, _ := newTestUI(t)
	u.live = true
	runApp(t, u)
	onUI(t, u, func() { u.setMessage("hello") })
	eventually(t, u, "the message clears", func() bool { return u.message == "" })
}

func TestBug11TerminalDefaultColours(t *testing.T) {
	u, screen := newTestUI(t)
	draw(u, screen)
	for _, at := range [][2]int{{0, 0}, {40, 10}, {5, 20}} {
		_, _, style, _ := screen.GetContent(at[0], at[1])
		if _, bg, _ := style.Decompose(); bg != tcell.ColorDefault {
			t.Errorf("cell %v has background %v, want the terminal's", at, bg)
		}
	}
}

func TestBug11KillAsksFirst(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh, sleep or true, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	u, _ := newTestUI(t)
	wd, _ := os.Getwd()
	tk, err := u.eng.Run(context.Background(), engine.Spec{Command: []string{"sleep", "300"}, Cwd: wd, Env: os.Environ(), Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, u.eng, tk)
	u.reload()
	press(u, runeKey('g'), runeKey('K'))
	if u.confirm == nil || !strings.Contains(u.confirm.question, "kill") {
		t.Fatalf("K did not ask: %+v", u.confirm)
	}
	press(u, runeKey('n'))
	if got, _ := u.eng.Get(context.Background(), tk.ID); got.Status != task.Running {
		t.Errorf("n killed the task: %s", got.Status)
	}
}

func TestBug11NarrowKeepsCommand(t *testing.T) {
	u, screen := newTestUI(t)
	for _, w := range []int{59, 45, 30} {
		screen.SetSize(w, 12)
		out := draw(u, screen)
		if !strings.Contains(strings.Split(out, "\n")[1], "COMMAND") {
			t.Errorf("at %d columns COMMAND is gone:\n%s", w, out)
		}
	}
}

func TestBug11EmptyPaneSaysNoOutputYet(t *testing.T) {
	u, screen := newTestUI(t)
	u.log.reset(u.selectedID)
	u.log.loaded = true
	u.logView.ended = false // as for a running task
	if out := draw(u, screen); !strings.Contains(out, "no output yet") {
		t.Errorf("empty pane of a running task:\n%s", out)
	}
	u.renderLogTitle() // the selected task has ended
	if out := draw(u, screen); !strings.Contains(out, "no output") || strings.Contains(out, "no output yet") {
		t.Errorf("empty pane of a finished task:\n%s", out)
	}
}

func TestBug11DetailsUpdateWhileOpen(t *testing.T) {
	u, screen := newTestUI(t)
	tk := task.Task{Listing: task.Listing{ID: "88888888-8888-4888-8888-888888888888", Name: "late", Command: []string{"true"}, Cwd: "/",
		StartedAt: base.Add(time.Hour), LogPath: "/l"}}
	reserve(t, u.eng, tk)
	u.reload()
	press(u, runeKey('g'), key(tcell.KeyEnter))
	finish(t, u.eng, tk.ID, task.End{Status: task.Exited, ExitCode: code(7), FinishedAt: base.Add(time.Hour)})
	u.reload()
	if out := draw(u, screen); !strings.Contains(out, "exit code  7") {
		t.Errorf("details did not update:\n%s", out)
	}
}
