package tui

import (
	"strconv"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// column is one column of the task table. Widths are measured over every
// row shown, not only those on screen, so they do not change while
// scrolling; when the screen is narrow, columns go in order of drop
// (highest first) and COMMAND, what a person reads a row by, stays.
type column struct {
	title string
	min   int // never narrower
	max   int // never wider, 0: no cap
	drop  int // 0: never dropped
	text  func(u *UI, t task.Task) string
}

var columns = []column{
	{"ID", 8, 8, 0, func(_ *UI, t task.Task) string { return t.ShortID() }},
	{"NAME", 4, 16, 2, func(_ *UI, t task.Task) string { return orDash(t.Name) }},
	{"STATE", 7, 0, 0, func(_ *UI, t task.Task) string { return string(t.Status) }},
	{"RST", 3, 0, 10, func(_ *UI, t task.Task) string { return restartsText(t) }},
	{"EXIT", 4, 9, 6, func(_ *UI, t task.Task) string { return t.ExitText() }},
	{"PID", 5, 0, 7, func(_ *UI, t task.Task) string { return pidText(t.PID) }},
	{"STARTED", 8, 0, 9, func(u *UI, t task.Task) string { return startedText(t.StartedAt, u.now()) }},
	{"RUNTIME", 7, 0, 3, func(u *UI, t task.Task) string { return task.FormatRuntime(t.Runtime(u.now())) }},
	{"CPU%", 5, 0, 4, func(u *UI, t task.Task) string { return u.measured(t).CPUText() }},
	{"MEM", 6, 0, 5, func(u *UI, t task.Task) string { return u.measured(t).MemText() }},
	{"PORTS", 5, 15, 8, func(u *UI, t task.Task) string { return u.measured(t).PortsText() }},
	{"COMMAND", 12, 0, 0, func(_ *UI, t task.Task) string { return printable.Quote(t.Command) }},
}

// Indexes of columns: COMMAND takes the rest of the width; the costs
// are shown only when they say something.
const (
	rstCol     = 3
	cpuCol     = 8
	memCol     = 9
	portsCol   = 10
	commandCol = 11
)

// measured is t with its last measured cost, if any.
func (u *UI) measured(t task.Task) task.Task {
	if m, ok := u.costs[t.ID]; ok && t.Status == task.Running {
		t.Usage, t.Ports = m.Usage, m.Ports
	}
	return t
}

// measureWidths sizes the columns over every row shown.
func (u *UI) measureWidths() {
	u.widths = make([]int, len(columns))
	for i, c := range columns {
		u.widths[i] = max(c.min, len(c.title))
	}
	u.anyRunning, u.anyPorts, u.anyRestart = false, false, false
	for _, t := range u.shown {
		u.anyRestart = u.anyRestart || restartsText(t) != "-"
		if t.Status == task.Running {
			u.anyRunning = true
			u.anyPorts = u.anyPorts || len(u.measured(t).Ports) > 0
		}
		for i, c := range columns {
			if i == commandCol || i == 0 || i == 7 {
				continue // fixed, or the rest of the line
			}
			w := printable.Width(c.text(u, t))
			if c.max > 0 {
				w = min(w, c.max)
			}
			u.widths[i] = max(u.widths[i], w)
		}
	}
}

// layout picks the columns that fit in width w.
func (u *UI) layout(w int) []int {
	if len(u.widths) != len(columns) {
		u.measureWidths()
	}
	shown := make([]int, 0, len(columns))
	used := 0
	for i := range columns {
		// What a task costs matters only while one runs.
		if (i == cpuCol || i == memCol) && !u.anyRunning || i == portsCol && !u.anyPorts || i == rstCol && !u.anyRestart {
			continue
		}
		shown = append(shown, i)
		if i != commandCol {
			used += u.widths[i] + 1
		}
	}
	for used+columns[commandCol].min > w {
		worst, at := 0, -1
		for k, i := range shown {
			if columns[i].drop > worst {
				worst, at = columns[i].drop, k
			}
		}
		if at < 0 {
			break
		}
		used -= u.widths[shown[at]] + 1
		shown = append(shown[:at], shown[at+1:]...)
	}
	return shown
}

// taskTable draws the tasks shown: a header, then the rows on screen.
type taskTable struct {
	*tview.Box
	u      *UI
	offset int // the first row on screen
	rows   int // rows on screen at the last draw, for paging
}

func newTaskTable(u *UI) *taskTable {
	return &taskTable{Box: tview.NewBox(), u: u, rows: 10}
}

// Draw draws the header and the rows on screen, keeping the selected one
// among them: after a filter or a resize the rows above it come back
// into view rather than stay scrolled away.
func (tb *taskTable) Draw(screen tcell.Screen) {
	tb.Box.DrawForSubclass(screen, tb)
	u := tb.u
	x, y, w, h := tb.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	cols := u.layout(w)
	tb.rows = max(1, h-1)
	sel := u.selectedIndex()
	n := len(u.shown)
	tb.offset = min(tb.offset, max(0, n-tb.rows))
	if sel >= 0 {
		tb.offset = min(tb.offset, sel)
		tb.offset = max(tb.offset, sel-tb.rows+1)
	}
	tb.offset = max(0, tb.offset)
	bold := tcell.StyleDefault.Bold(true)
	u.drawRow(screen, x, y, w, cols, func(i int) (string, tcell.Style) { return columns[i].title, bold })
	if n == 0 {
		msg := "no tasks"
		if u.filterText != "" || u.states != allStates {
			msg = "no task matches"
		}
		putText(screen, x, y+1, w, msg, tcell.StyleDefault.Dim(true))
		return
	}
	focused := tb.HasFocus()
	for r := 0; r < tb.rows && tb.offset+r < n; r++ {
		t := u.shown[tb.offset+r]
		selected := tb.offset+r == sel
		u.drawRow(screen, x, y+1+r, w, cols, func(i int) (string, tcell.Style) {
			style := tcell.StyleDefault
			if i == 2 {
				style = style.Foreground(stateColor(t))
			}
			if selected {
				style = style.Reverse(true)
				if !focused {
					style = style.Dim(true)
				}
			}
			return printable.String(columns[i].text(u, t)), style
		})
	}
}

// drawRow lays out one row's cells; a selected row is filled to the edge.
func (u *UI) drawRow(screen tcell.Screen, x, y, w int, cols []int, cell func(int) (string, tcell.Style)) {
	cx := 0
	var last tcell.Style
	for _, i := range cols {
		text, style := cell(i)
		width := u.widths[i]
		if i == commandCol {
			width = w - cx
		}
		if width <= 0 || cx >= w {
			break
		}
		width = min(width, w-cx)
		putText(screen, x+cx, y, width, truncate(text, width), style)
		cx += width
		last = style.Foreground(tcell.ColorDefault).Bold(false)
		if i != commandCol && cx < w {
			screen.SetContent(x+cx, y, ' ', nil, last)
			cx++
		}
	}
}

// truncate cuts printable text to width cells, ending with "…".
func truncate(s string, width int) string { return printable.Truncate(s, width) }

// putText draws printable text from x, at most w cells, and fills the
// rest of the w cells with style's background.
func putText(screen tcell.Screen, x, y, w int, text string, style tcell.Style) int {
	col := 0
	state := -1
	for len(text) > 0 && col < w {
		cluster, rest, boundaries, st := uniseg.StepString(text, state)
		state = st
		width := boundaries >> uniseg.ShiftWidth
		text = rest
		if width <= 0 {
			continue
		}
		if col+width > w {
			break
		}
		runes := []rune(cluster)
		screen.SetContent(x+col, y, runes[0], runes[1:], style)
		col += width
	}
	for c := col; c < w; c++ {
		screen.SetContent(x+c, y, ' ', nil, style)
	}
	return col
}

// MouseHandler selects the row clicked and moves with the wheel.
func (tb *taskTable) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return tb.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		mx, my := event.Position()
		if !tb.InRect(mx, my) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftDown, tview.MouseLeftClick:
			setFocus(tb)
			_, y, _, _ := tb.GetInnerRect()
			if i := tb.offset + my - y - 1; my > y && i < len(tb.u.shown) {
				tb.u.selectIndex(i)
			}
			return true, nil
		case tview.MouseScrollUp:
			tb.u.move(-3)
			return true, nil
		case tview.MouseScrollDown:
			tb.u.move(3)
			return true, nil
		}
		return false, nil
	})
}

// selectedIndex is the selected task's place in shown, or -1.
func (u *UI) selectedIndex() int {
	for i := range u.shown {
		if u.shown[i].ID == u.selectedID {
			return i
		}
	}
	return -1
}

// selectIndex selects the i-th task shown.
func (u *UI) selectIndex(i int) {
	if i < 0 || i >= len(u.shown) {
		return
	}
	if id := u.shown[i].ID; id != u.selectedID {
		u.selectedID = id
		u.showLog()
		u.refreshDetails()
	}
}

// move shifts the selection by delta rows, clamped to the list. Moving
// past the last row loads older tasks when there are more.
func (u *UI) move(delta int) {
	if len(u.shown) == 0 {
		return
	}
	i := max(u.selectedIndex(), 0)
	if i+delta >= len(u.shown) && u.more {
		u.loadMore(delta >= 1<<20)
	}
	u.selectIndex(max(0, min(len(u.shown)-1, i+delta)))
}

// restartsText is a task's restarts so far, as `ghost list` shows them
// in its state column ("running (3)"): "-" for a task without a policy
// that never restarted.
func restartsText(t task.Task) string {
	if t.Restarts == 0 && t.Restart != task.RestartOnFailure && t.Restart != task.RestartAlways {
		return "-"
	}
	return strconv.Itoa(t.Restarts)
}

func stateColor(t task.Task) tcell.Color {
	switch t.Status {
	case task.Restarting:
		return tcell.ColorDarkOrange
	case task.Running:
		return tcell.ColorGreen
	case task.Exited:
		if t.ExitCode != nil && *t.ExitCode != 0 {
			return tcell.ColorRed
		}
		return tcell.ColorDefault
	case task.Killed:
		return tcell.ColorFuchsia
	}
	return tcell.ColorYellow
}

func pidText(pid int) string {
	if pid <= 0 {
		return "-"
	}
	return strconv.Itoa(pid)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func startedText(t, now time.Time) string {
	t = t.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("01-02 15:04")
}
