// Package tui is ghost-ui's screen: a task table, the selected task's log,
// a details view and the keys that act on tasks. It is built on a
// *tview.Application given from outside, so tests drive it on a simulation
// screen. The rule inside: UI state is touched only on tview's event
// goroutine; background work (reloads, log following, stopping a task)
// hands its result over with QueueUpdateDraw, and never from inside a
// handler, where that would deadlock.
package tui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/store"
	"github.com/ghostproject/ghost/ghost-core/task"
	"github.com/ghostproject/ghost/ghost-core/watch"
)

// maxTasks bounds the table: the newest tasks are what a person scans,
// and a table of 100,000 rows would cost every redraw. Running tasks are
// shown however old (see shownTasks).
const maxTasks = 1000

// UI is the whole screen and its state.
type UI struct {
	app *tview.Application
	eng *engine.Engine
	// now is the clock for run times; tests fix it.
	now func() time.Time

	pages   *tview.Pages
	root    *tview.Flex
	header  *tview.TextView
	table   *tview.Table
	logView *tview.TextView
	status  *tview.TextView
	footer  *tview.TextView
	details *tview.TextView
	help    *tview.TextView
	filter  *tview.InputField

	tasks      []task.Task // as loaded, newest first
	more       bool        // older finished tasks exist beyond tasks
	shown      []task.Task // after the filters
	selectedID string
	filterText string
	states     stateFilter
	following  bool
	focusLog   bool
	filtering  bool
	message    string
	isError    bool
	confirm    *confirmation

	log  *logPane
	live bool // background reloads and log following run (Start was called)

	stopOnce sync.Once
	done     chan struct{}
}

// New builds the screen on app, reading tasks from eng once. Call Start
// to keep it live.
func New(app *tview.Application, eng *engine.Engine) *UI {
	u := &UI{app: app, eng: eng, now: time.Now, following: true, done: make(chan struct{})}
	u.log = newLogPane()
	u.build()
	u.reload()
	return u
}

func (u *UI) build() {
	u.header = tview.NewTextView().SetDynamicColors(true)
	u.table = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	u.table.SetSelectionChangedFunc(func(row, _ int) { u.selectRow(row) })
	u.logView = tview.NewTextView().SetDynamicColors(true).SetScrollable(true).SetWrap(false)
	u.logView.SetBorder(true)
	u.status = tview.NewTextView().SetDynamicColors(true)
	u.footer = tview.NewTextView().SetDynamicColors(true)
	u.filter = tview.NewInputField().SetLabel("/")
	u.filter.SetChangedFunc(func(text string) { u.filterText = text; u.render() })
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
	u.pages = tview.NewPages().
		AddPage("main", u.root, true, true).
		AddPage("details", u.details, true, false).
		AddPage("help", u.help, true, false)
	u.app.SetRoot(u.pages, true).SetFocus(u.table).EnableMouse(true)
	u.app.SetInputCapture(u.handleKey)
}

// Start keeps the screen live: the table follows the database, the log
// pane the selected task's output.
func (u *UI) Start() {
	u.live = true
	u.showLog()
	go u.watchTasks()
}

// Close stops the background work.
func (u *UI) Close() {
	u.stopOnce.Do(func() { close(u.done) })
	u.log.stop()
}

// watchTasks reloads the tasks when the database changes (PRAGMA
// data_version, woken by file events in the data directory), and at
// least every second refreshes run times and notices tasks whose monitor
// died without a word.
func (u *UI) watchTasks() {
	w := watch.Dirs(time.Second, u.eng.Dir.Path)
	defer w.Close()
	ctx := context.Background()
	var last int64 = -1
	lastFull := time.Now()
	for {
		select {
		case <-u.done:
			return
		case <-w.C:
		}
		v, err := u.eng.Store.DataVersion(ctx)
		if err == nil && v == last && time.Since(lastFull) < time.Second {
			continue // a log was written or the -shm touched: nothing for the table
		}
		last, lastFull = v, time.Now()
		tasks, more, err := shownTasks(ctx, u.eng, maxTasks)
		u.app.QueueUpdateDraw(func() { u.setTasks(tasks, more, err) })
		// Coalesce: a burst of changes costs one reload per 100ms at most.
		select {
		case <-u.done:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// reload reads the tasks now, on the calling goroutine.
func (u *UI) reload() {
	tasks, more, err := shownTasks(context.Background(), u.eng, maxTasks)
	u.setTasks(tasks, more, err)
}

// shownTasks reads what the table shows, newest first: the newest limit
// tasks and every running one besides, however old, and whether older
// tasks were left out. A server started before a thousand builds must not
// drop out of sight while it runs.
func shownTasks(ctx context.Context, eng *engine.Engine, limit int) ([]task.Task, bool, error) {
	tasks, err := eng.List(ctx, store.Filter{Limit: limit + 1})
	if err != nil || len(tasks) <= limit {
		return tasks, false, err
	}
	tasks = tasks[:limit]
	running, err := eng.List(ctx, store.Filter{Statuses: []task.Status{task.Running}})
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

func (u *UI) setTasks(tasks []task.Task, more bool, err error) {
	if err != nil {
		u.setError("reading tasks: %v", err)
		return
	}
	u.tasks, u.more = tasks, more
	u.render()
}

// render lays the state out on the widgets.
func (u *UI) render() {
	u.shown = u.filtered()
	u.renderTable()
	u.renderHeader()
	u.renderStatus()
	u.footer.SetText(footerText)
	if u.selectedTask() == nil && len(u.shown) > 0 {
		u.selectedID = u.shown[0].ID
		u.renderTable()
	}
	u.showLog()
}

func (u *UI) renderHeader() {
	running := 0
	for _, t := range u.tasks {
		if t.Status == task.Running {
			running++
		}
	}
	count := fmt.Sprint(len(u.tasks))
	if u.more {
		count += "+" // the newest and the running; `ghost list` has them all
	}
	text := fmt.Sprintf("[::b]ghost-ui[::-]  %s tasks, %d running  ·  showing: %s", count, running, u.states)
	if u.filterText != "" {
		text += "  ·  filter: " + tview.Escape(safe(u.filterText))
	}
	u.header.SetText(text)
}

func (u *UI) renderStatus() {
	switch {
	case u.confirm != nil:
		u.status.SetText("[yellow::b]" + tview.Escape(u.confirm.question) + " (y/n)[-::-]")
	case u.message == "":
		u.status.SetText("")
	case u.isError:
		u.status.SetText("[red]" + tview.Escape(safe(u.message)) + "[-]")
	default:
		u.status.SetText(tview.Escape(safe(u.message)))
	}
}

func (u *UI) setError(format string, args ...any) {
	u.message, u.isError = fmt.Sprintf(format, args...), true
	u.renderStatus()
}

func (u *UI) setMessage(format string, args ...any) {
	u.message, u.isError = fmt.Sprintf(format, args...), false
	u.renderStatus()
}

// selectedTask is the task under the cursor, or nil.
func (u *UI) selectedTask() *task.Task {
	for i := range u.shown {
		if u.shown[i].ID == u.selectedID {
			return &u.shown[i]
		}
	}
	return nil
}
