package tui

import (
	"strconv"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

var columns = []string{"ID", "NAME", "STATE", "EXIT", "PID", "STARTED", "RUNTIME", "COMMAND"}

// safe makes untrusted text printable; tview.Escape is applied on top
// wherever a widget reads colour tags.
func safe(s string) string { return printable.String(s) }

func (u *UI) renderTable() {
	u.table.Clear()
	for i, c := range columns {
		u.table.SetCell(0, i, tview.NewTableCell(c).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
	now := u.now()
	selectedRow := 0
	for r, t := range u.shown {
		row := r + 1
		cells := []string{
			t.ShortID(), orDash(t.Name), string(t.Status), t.ExitText(), pidText(t.PID),
			startedText(t.StartedAt, now), task.FormatRuntime(t.Runtime(now)), printable.Quote(t.Command),
		}
		for i, text := range cells {
			// Cells read colour tags, so untrusted text is escaped twice:
			// for the terminal (printable) and for tview (Escape).
			cell := tview.NewTableCell(tview.Escape(printable.String(text)))
			switch i {
			case 2:
				cell.SetTextColor(stateColor(t))
			case 1:
				cell.SetMaxWidth(16)
			case 7:
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

func stateColor(t task.Task) tcell.Color {
	switch t.Status {
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
