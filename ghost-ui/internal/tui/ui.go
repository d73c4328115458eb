// Package tui is ghost-ui's screen: a task table, the selected task's log,
// a details view and the keys that act on tasks. It is built on a
// *tview.Application given from outside, so tests drive it on a simulation
// screen. The rule inside: UI state is touched only on tview's event
// goroutine; background work (reloads, log following, measuring, stopping
// a task) hands its result over with QueueUpdateDraw, and never from
// inside a handler, where that would deadlock.
package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// pageTasks is how many tasks the table loads at a time: the newest are
// what a person scans, and older ones are read when asked for (moving
// past the last row, G, a filter). Running tasks are shown however old
// (see shownTasks).
const pageTasks = 1000

// Message lifetimes on the status line (variables for tests).
var (
	messageTTL = 5 * time.Second
	errorTTL   = 10 * time.Second
)

// query is what the table loads: the newest limit tasks (0: all), or,
// with text, every task in the history matching it.
type query struct {
	limit int
	text  string
}

// UI is the whole screen and its state.
type UI struct {
	app *tview.Application
	eng *engine.Engine
	// now is the clock for run times; tests fix it.
	now func() time.Time
	// screen is the terminal, for the clipboard; known once drawn.
	screen tcell.Screen

	pages   *tview.Pages
	root    *tview.Flex
	header  *tview.Box
	table   *taskTable
	logView *logView
	status  *tview.TextView
	footer  *tview.Box
	details *tview.TextView
	help    *tview.TextView
	filter  *tview.InputField
	prompt  *newTaskPrompt

	tasks  []task.Task // as loaded, newest first
	more   bool        // older tasks exist beyond tasks
	shown  []task.Task // after the filters, in the sort order
	widths []int       // of the columns, over shown
	// anyRunning and anyPorts say whether the cost columns have anything
	// to show.
	anyRunning, anyPorts bool
	// anyRestart says whether the restarts column has anything to show.
	anyRestart bool
	costs      map[string]task.Task
	selectedID string
	filterText string
	states     stateFilter
	sortBy     sortKey
	message    string
	isError    bool
	msgGen     int
	confirm    *confirmation
	// searching says the input line searches the log, not the tasks.
	filtering, searching bool
	// focusLog says the log pane had the focus last (see logFocused).
	focusLog bool
	// afterLoad runs once the next load is in (after G loads everything).
	afterLoad func()

	log  *logPane
	live bool // background reloads, log following and measuring run (Start was called)

	qmu   sync.Mutex
	q     query
	kick  chan struct{}
	runMu sync.Mutex
	run   []task.Task // the running tasks loaded, for the meter

	stopOnce sync.Once
	done     chan struct{}
}

// New builds the screen on app, reading tasks from eng once. Call Start
// to keep it live.
func New(app *tview.Application, eng *engine.Engine) *UI {
	u := &UI{app: app, eng: eng, now: time.Now, done: make(chan struct{}), kick: make(chan struct{}, 1),
		q: query{limit: pageTasks}, costs: map[string]task.Task{}}
	useTerminalColours()
	u.log = newLogPane()
	u.build()
	u.reload()
	return u
}

// useTerminalColours leaves background and text to the terminal's theme:
// tview's defaults paint a black background on light terminals too.
func useTerminalColours() {
	tview.Styles.PrimitiveBackgroundColor = tcell.ColorDefault
	tview.Styles.ContrastBackgroundColor = tcell.ColorDefault
	tview.Styles.MoreContrastBackgroundColor = tcell.ColorDefault
	tview.Styles.PrimaryTextColor = tcell.ColorDefault
	tview.Styles.SecondaryTextColor = tcell.ColorDefault
	tview.Styles.TertiaryTextColor = tcell.ColorDefault
	tview.Styles.ContrastSecondaryTextColor = tcell.ColorDefault
	tview.Styles.BorderColor = tcell.ColorDefault
	tview.Styles.TitleColor = tcell.ColorDefault
	tview.Styles.GraphicsColor = tcell.ColorDefault
}

func (u *UI) build() {
	u.header = tview.NewBox()
	u.header.SetDrawFunc(u.drawHeader)
	u.table = newTaskTable(u)
	u.logView = newLogView(u.log)
	u.table.SetFocusFunc(func() { u.focusLog = false })
	u.logView.SetFocusFunc(func() { u.focusLog = true })
	u.status = tview.NewTextView().SetDynamicColors(true)
	u.footer = tview.NewBox()
	u.footer.SetDrawFunc(u.drawFooter)
	u.filter = tview.NewInputField().SetLabel("/")
	u.filter.SetFieldBackgroundColor(tcell.ColorDefault).SetFieldTextColor(tcell.ColorDefault)
	u.filter.SetChangedFunc(u.filterChanged)
	u.filter.SetDoneFunc(func(key tcell.Key) { u.endFilter(key == tcell.KeyEscape) })
	u.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(u.header, 1, 0, false).
		AddItem(u.table, 0, 1, true).
		AddItem(u.logView, 0, 1, false).
		AddItem(u.status, 1, 0, false).
		AddItem(u.footer, 1, 0, false)
	u.details = tview.NewTextView().SetDynamicColors(true).SetScrollable(true)
	u.details.SetBorder(true).SetTitle(" details (Esc to go back) ")
	u.help = tview.NewTextView().SetDynamicColors(true).SetText(helpText)
	u.help.SetBorder(true).SetTitle(" keys (Esc to go back) ")
	u.prompt = u.newPrompt()
	u.pages = tview.NewPages().
		AddPage("main", u.root, true, true).
		AddPage("details", u.details, true, false).
		AddPage("help", u.help, true, false).
		AddPage("new", u.prompt.root, true, false)
	u.app.SetRoot(u.pages, true).SetFocus(u.table).EnableMouse(true)
	u.app.SetInputCapture(u.handleKey)
	u.app.SetBeforeDrawFunc(func(s tcell.Screen) bool { u.screen = s; u.renderLogTitle(); return false })
}

// Start keeps the screen live: the table follows the database, the log
// pane the selected task's output, running tasks are measured.
func (u *UI) Start() {
	u.live = true
	u.log.reset("")
	u.showLog()
	go u.watchTasks()
	go u.measureLoop()
}

// Close stops the background work.
func (u *UI) Close() {
	u.stopOnce.Do(func() { close(u.done) })
	u.log.stop()
}

func (u *UI) setQuery(q query) {
	u.qmu.Lock()
	u.q = q
	u.qmu.Unlock()
	select {
	case u.kick <- struct{}{}:
	default:
	}
}

func (u *UI) query() query {
	u.qmu.Lock()
	defer u.qmu.Unlock()
	return u.q
}

// watchTasks reloads the tasks when the database changes (PRAGMA
// data_version, woken by file events in the data directory) or the query
// does. Every second it also checks the running tasks, which notices tasks
// whose monitor died without a word, and redraws for their run times.
func (u *UI) watchTasks() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := u.eng.Changes(ctx, time.Second)
	var last int64 = -1
	var lastQ query
	lastCheck := time.Now()
	for {
		select {
		case <-u.done:
			return
		case <-changes:
		case <-u.kick:
		}
		q := u.query()
		v, err := u.eng.DataVersion(ctx)
		if err == nil && v == last && q == lastQ {
			if time.Since(lastCheck) < time.Second {
				continue // a log was written or the -shm touched: nothing for the table
			}
			lastCheck = time.Now()
			if !u.runningChanged(ctx) {
				u.app.QueueUpdateDraw(func() {}) // run times
				continue
			}
		}
		last, lastQ, lastCheck = v, q, time.Now()
		tasks, more, err := load(ctx, u.eng, q)
		u.app.QueueUpdateDraw(func() { u.setTasks(tasks, more, err, q) })
		// Coalesce: a burst of changes costs one reload per 100ms at most.
		select {
		case <-u.done:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runningChanged reconciles the running tasks (a monitor may have died
// unseen) and reports whether they are not those loaded.
func (u *UI) runningChanged(ctx context.Context) bool {
	running, err := u.eng.List(ctx, engine.Filter{Statuses: []task.Status{task.Running, task.Restarting}})
	if err != nil {
		return true
	}
	u.runMu.Lock()
	defer u.runMu.Unlock()
	loaded := map[string]bool{}
	for _, t := range u.run {
		loaded[t.ID] = true
	}
	for _, t := range running {
		if !loaded[t.ID] {
			return true
		}
		delete(loaded, t.ID)
	}
	return len(loaded) > 0
}

// reload reads the tasks now, on the calling goroutine.
func (u *UI) reload() {
	q := u.query()
	tasks, more, err := load(context.Background(), u.eng, q)
	u.setTasks(tasks, more, err, q)
}

// load reads what the table shows for q.
func load(ctx context.Context, eng *engine.Engine, q query) ([]task.Task, bool, error) {
	if q.text == "" {
		return shownTasks(ctx, eng, q.limit)
	}
	var out []task.Task
	needle := strings.ToLower(q.text)
	err := eng.Each(ctx, engine.Filter{}, func(l task.Listing) error {
		if t := (task.Task{Listing: l}); matches(t, needle) {
			out = append(out, t)
		}
		return nil
	})
	return out, false, err
}

// shownTasks reads what the table shows, newest first: the newest limit
// tasks (all when limit is 0) and every running one besides, however old,
// and whether older tasks were left out. A server started before a
// thousand builds must not drop out of sight while it runs.
func shownTasks(ctx context.Context, eng *engine.Engine, limit int) ([]task.Task, bool, error) {
	list := func(f engine.Filter) ([]task.Task, error) {
		ls, err := eng.List(ctx, f)
		out := make([]task.Task, len(ls))
		for i, l := range ls {
			out[i].Listing = l
		}
		return out, err
	}
	if limit <= 0 {
		tasks, err := list(engine.Filter{})
		return tasks, false, err
	}
	tasks, err := list(engine.Filter{Limit: limit + 1})
	if err != nil || len(tasks) <= limit {
		return tasks, false, err
	}
	tasks = tasks[:limit]
	running, err := list(engine.Filter{Statuses: []task.Status{task.Running, task.Restarting}})
	if err != nil {
		return nil, false, err
	}
	shown := make(map[string]bool, len(tasks))
	for _, t := range tasks {
		shown[t.ID] = true
	}
	// Any running task not among the newest is older than all of them:
	// appended in its own newest-first order, the whole stays in order.
	for _, t := range running {
		if !shown[t.ID] {
			tasks = append(tasks, t)
		}
	}
	return tasks, true, nil
}

func (u *UI) setTasks(tasks []task.Task, more bool, err error, q query) {
	if err != nil {
		u.setError("reading tasks: %v", err)
		return
	}
	if q != u.query() {
		return // a newer query is on its way
	}
	u.tasks, u.more = tasks, more
	var running []task.Task // the live ones: running, or restarting
	for _, t := range tasks {
		if !t.Status.Finished() {
			running = append(running, t)
		}
	}
	u.runMu.Lock()
	u.run = running
	u.runMu.Unlock()
	u.render()
	if f := u.afterLoad; f != nil {
		u.afterLoad = nil
		f()
	}
	u.refreshDetails()
}

// loadMore asks for older tasks: the next page, or all of them.
func (u *UI) loadMore(all bool) {
	q := u.query()
	if q.text != "" || q.limit == 0 {
		return
	}
	if all {
		q.limit = 0
	} else {
		q.limit += pageTasks
	}
	at := u.selectedIndex()
	u.afterLoad = func() {
		u.clearMessage()
		if all {
			u.selectIndex(len(u.shown) - 1)
		} else {
			u.selectIndex(at + 1)
		}
	}
	u.setMessage("loading older tasks…")
	if !u.live {
		u.qmu.Lock()
		u.q = q
		u.qmu.Unlock()
		u.reload()
		return
	}
	u.setQuery(q)
}

// render lays the state out: the rows shown, their widths, the selection
// (kept on its task; if that is gone, on the row where it was).
func (u *UI) render() {
	at := u.selectedIndex()
	u.shown = u.filtered()
	u.measureWidths()
	u.renderStatus()
	if u.selectedIndex() < 0 {
		u.selectedID = ""
		if len(u.shown) > 0 {
			u.selectedID = u.shown[min(max(at, 0), len(u.shown)-1)].ID
		}
	}
	u.showLog()
}

// drawHeader draws the title line: counts, what is shown, and the
// position of the selection on the right.
func (u *UI) drawHeader(screen tcell.Screen, x, y, w, h int) (int, int, int, int) {
	running := 0
	for _, t := range u.tasks {
		if !t.Status.Finished() {
			running++
		}
	}
	count := fmt.Sprint(len(u.tasks))
	if u.more {
		count += "+" // the newest and the running; older ones load on demand
	}
	what := "tasks"
	if u.query().text != "" {
		what = "matching"
	}
	text := fmt.Sprintf("ghost-ui  %s %s, %d running  ·  showing: %s", count, what, running, u.states)
	if u.sortBy != byStarted {
		text += "  ·  sort: " + u.sortBy.String()
	}
	if u.filterText != "" {
		text += "  ·  filter: " + safe(u.filterText)
	}
	pos := fmt.Sprintf("%d/%d", u.selectedIndex()+1, len(u.shown))
	if u.more {
		pos += "+"
	}
	posW := len(pos)
	if w > posW+2 {
		putText(screen, x, y, w-posW-1, truncate(text, w-posW-2), tcell.StyleDefault.Bold(true))
		putText(screen, x+w-posW, y, posW, pos, tcell.StyleDefault)
	} else {
		putText(screen, x, y, w, truncate(pos, w), tcell.StyleDefault)
	}
	return x, y, w, h
}

func (u *UI) renderStatus() {
	switch {
	case u.confirm != nil:
		u.status.SetText("[yellow::b]" + tview.Escape(safe(u.confirm.question)) + " (y/n)[-::-]")
	case u.message == "":
		u.status.SetText("")
	case u.isError:
		u.status.SetText("[red]" + tview.Escape(safe(u.message)) + "[-]")
	default:
		u.status.SetText(tview.Escape(safe(u.message)))
	}
}

func (u *UI) setError(format string, args ...any) {
	u.say(true, fmt.Sprintf(format, args...))
}

func (u *UI) setMessage(format string, args ...any) {
	u.say(false, fmt.Sprintf(format, args...))
}

// say puts a message on the status line, which clears it after a while:
// an old message must not read as news.
func (u *UI) say(isError bool, msg string) {
	u.message, u.isError = msg, isError
	u.msgGen++
	u.renderStatus()
	if !u.live {
		return
	}
	gen, ttl := u.msgGen, messageTTL
	if isError {
		ttl = errorTTL
	}
	time.AfterFunc(ttl, func() {
		u.app.QueueUpdateDraw(func() {
			if u.msgGen == gen {
				u.clearMessage()
			}
		})
	})
}

func (u *UI) clearMessage() {
	u.message, u.isError = "", false
	u.msgGen++
	u.renderStatus()
}

// selectedTask is the task under the cursor, or nil.
func (u *UI) selectedTask() *task.Task {
	if i := u.selectedIndex(); i >= 0 {
		return &u.shown[i]
	}
	return nil
}

// renderLogTitle names the task in the log pane's border and what the
// pane does.
func (u *UI) renderLogTitle() {
	id := u.selectedID
	if id == "" {
		u.logView.SetTitle(" log ")
		u.logView.empty = "no task selected"
		return
	}
	u.logView.empty = ""
	if t := u.selectedTask(); t != nil {
		u.logView.ended = t.Status.Finished()
	}
	var modes []string
	if u.logView.following {
		modes = append(modes, "following")
	} else {
		modes = append(modes, "paused: G to follow")
	}
	if u.logView.wrap {
		modes = append(modes, "wrap")
	}
	if !u.logView.colours {
		modes = append(modes, "no colours")
	}
	if u.logView.stamps {
		modes = append(modes, "times")
	}
	if u.logView.search != "" {
		modes = append(modes, "/"+tview.Escape(safe(u.logView.search)))
	}
	u.logView.SetTitle(" log: " + id[:min(8, len(id))] + " (" + strings.Join(modes, ", ") + ") ")
}
