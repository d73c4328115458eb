// Package tui is ghost-ui's screen: a task table, the selected task's log,
// a details view and the keys that act on tasks. It is built on a
// *tview.Application given from outside, so tests drive it on a simulation
// screen. The rule inside: UI state is touched only on tview's event
// goroutine; everything that reads the database or waits (reloads, log
// following, details, stop, kill, restart, remove) runs off it, through
// u.async or a goroutine of its own, and hands its result over with
// QueueUpdateDraw, never from inside a handler, where that would deadlock.
package tui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
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

	tasks      []task.Listing // as loaded, newest first
	more       bool           // older finished tasks exist beyond tasks
	shown      []task.Listing // after the filters
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
	ctx      context.Context // ends with Close: background work stops
	cancel   context.CancelFunc
}

// New builds the screen on app, reading tasks from eng once. Call Start
// to keep it live.
func New(app *tview.Application, eng *engine.Engine) *UI {
	u := &UI{app: app, eng: eng, now: time.Now, following: true}
	u.ctx, u.cancel = context.WithCancel(context.Background())
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
	u.stopOnce.Do(u.cancel)
	u.log.stop()
}

// watchTasks reloads the tasks whenever the engine's change feed says they
// may have changed, which it does at least every second (run times, and
// tasks whose monitor died without a word).
func (u *UI) watchTasks() {
	for range u.eng.Changes(u.ctx, time.Second) {
		tasks, more, err := shownTasks(u.ctx, u.eng, maxTasks)
		if u.ctx.Err() != nil {
			return
		}
		u.app.QueueUpdateDraw(func() { u.setTasks(tasks, more, err) })
	}
}

// reload reads the tasks again, off the event goroutine once live.
func (u *UI) reload() {
	type loaded struct {
		tasks []task.Listing
		more  bool
		err   error
	}
	async(u, func(ctx context.Context) loaded {
		tasks, more, err := shownTasks(ctx, u.eng, maxTasks)
		return loaded{tasks, more, err}
	}, func(l loaded) { u.setTasks(l.tasks, l.more, l.err) })
}

// async runs work off the event goroutine and then, on it, done with the
// result: the rule of this package for anything that reads the database
// or waits. Before Start (tests drive the UI without an event loop) both
// run at once, in order.
func async[R any](u *UI, work func(ctx context.Context) R, done func(R)) {
	if !u.live {
		done(work(u.ctx))
		return
	}
	go func() {
		r := work(u.ctx)
		if u.ctx.Err() != nil {
			return
		}
		u.app.QueueUpdateDraw(func() { done(r) })
	}()
}

// shownTasks reads what the table shows, newest first: the newest limit
// tasks and every running one besides, however old, and whether older
// tasks were left out. A server started before a thousand builds must not
// drop out of sight while it runs.
func shownTasks(ctx context.Context, eng *engine.Engine, limit int) ([]task.Listing, bool, error) {
	tasks, err := eng.List(ctx, engine.Filter{Limit: limit + 1})
	if err != nil || len(tasks) <= limit {
		return tasks, false, err
	}
	tasks = tasks[:limit]
	running, err := eng.List(ctx, engine.Filter{Statuses: []task.Status{task.Running, task.Restarting}})
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

func (u *UI) setTasks(tasks []task.Listing, more bool, err error) {
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
func (u *UI) selectedTask() *task.Listing {
	for i := range u.shown {
		if u.shown[i].ID == u.selectedID {
			return &u.shown[i]
		}
	}
	return nil
}
