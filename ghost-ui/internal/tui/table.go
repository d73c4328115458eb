package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"strconv"
	"time"

	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// safe makes untrusted text printable; tview.Escape is applied on top
// wherever a widget reads colour tags.
func safe(s string) string { return printable.String(s) }

func (u *UI) renderTable() {
	u.table.Clear()
	for i, c := range columns() {
		u.table.SetCell(0, i, tview.NewTableCell(c).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
	now := u.now()
	selectedRow := 0
	for r, t := range u.shown {
		row := r + 1
		// The one row formatter, shared with `ghost list`, with the
		// restarts in a column of their own.
		for i, text := range cells(t, now) {
			// Cells read colour tags, so untrusted text is escaped twice:
			// for the terminal (printable) and for tview (Escape).
			cell := tview.NewTableCell(tview.Escape(printable.String(text)))
			switch i {
			case task.ColState:
				cell.SetTextColor(stateColor(t))
			case task.ColName:
				cell.SetMaxWidth(16)
			case task.ColCommand + 1:
				cell.SetExpansion(1)
			}
			u.table.SetCell(row, i, cell)
		}
		if t.ID == u.selectedID {
			selectedRow = row
		}
	}
	if selectedRow > 0 {
		u.table.Select(selectedRow, 0)
	}
}

// selectRow follows the table's cursor (keys or mouse) to a task id, so
// the selection stays on the same task when the list changes.
func (u *UI) selectRow(row int) {
	if row < 1 || row > len(u.shown) {
		return
	}
	if id := u.shown[row-1].ID; id != u.selectedID {
		u.selectedID = id
		u.showLog()
	}
}

// move shifts the selection by delta rows, clamped to the list.
func (u *UI) move(delta int) {
	if len(u.shown) == 0 {
		return
	}
	i := 0
	for j, t := range u.shown {
		if t.ID == u.selectedID {
			i = j
		}
	}
	i = max(0, min(len(u.shown)-1, i+delta))
	u.selectedID = u.shown[i].ID
	u.table.Select(i+1, 0)
	u.showLog()
}

// columns are the table's headings: `ghost list`'s, and RST, the restarts
// of the task (which list shows in its state column), after STATE.
func columns() []string {
	c := task.Columns
	return append(append(append([]string{}, c[:task.ColState+1]...), "RST"), c[task.ColState+1:]...)
}

// cells is t's row under columns.
func cells(t task.Listing, now time.Time) []string {
	c := t.Cells(now)
	c[task.ColState] = string(t.Status)
	restarts := "-"
	if t.Restarts > 0 || t.Restart == task.RestartOnFailure || t.Restart == task.RestartAlways {
		restarts = strconv.Itoa(t.Restarts)
	}
	return append(append(append([]string{}, c[:task.ColState+1]...), restarts), c[task.ColState+1:]...)
}

func stateColor(t task.Listing) tcell.Color {
	switch t.Status {
	case task.Running:
		return tcell.ColorGreen
	case task.Restarting:
		return tcell.ColorDarkOrange
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
