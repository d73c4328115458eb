package tui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
)

// helpText lists every key.
const helpText = `
 [::b]tasks[::-] (the table has the focus)
  ↑ ↓  j k        move the selection
  g G  Home End   first / last task (older tasks load as needed)
  PgUp PgDn       a page up / down
  mouse           click a task to select it, wheel to move
  Enter           details: command, cwd, times, given and inherited env
  /               filter by name, command or id, over the whole history
  a               which tasks: all, running, finished
  S               sort by: started, name, state, cpu, memory, runtime
  n               start a new task (command line, optional name)
  s               stop the task (asks first): SIGTERM, SIGKILL after 10s
  K               kill the task (asks first): SIGKILL at once
  r               restart: the same command, cwd, env and name, as a new task
  d               remove a finished task and its log (asks first)
  y               copy the task's id (OSC 52: works over SSH)
  Tab  l          move to the log

 [::b]log[::-] (the log has the focus: Tab, l or a click)
  ↑ ↓  j k        scroll a line (scrolling up pauses following)
  PgUp PgDn       scroll a page
  g G  Home End   top (older output is read in) / bottom, following again
  ← →  h l        scroll sideways
  /  n N          search the log; next / previous match
  Esc  Tab        back to the table

 [::b]anywhere[::-]
  f               follow the log or pause it
  w               wrap long lines
  c               colours of the output on or off
  t               when each line was written, in front of it
  o               the whole log in $PAGER (less); back when it ends
  Ctrl-L          redraw the screen
  ?               this help
  q  Ctrl-C       quit (tasks keep running)
`

// handleKey is the application's input capture: every key goes through it
// first. It returns nil for keys it used, the event for widgets to handle.
func (u *UI) handleKey(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlL {
		u.app.Sync()
		return nil
	}
	if u.filtering {
		return ev // the input line has the keys; its done func ends it
	}
	if u.confirm != nil {
		u.answer(ev.Key() == tcell.KeyRune && (ev.Rune() == 'y' || ev.Rune() == 'Y'))
		return nil
	}
	switch name, _ := u.pages.GetFrontPage(); name {
	case "new":
		return ev // the prompt's fields have the keys
	case "main":
	default:
		if ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyEnter || (ev.Key() == tcell.KeyRune && ev.Rune() == 'q') {
			u.back()
			return nil
		}
		return ev // let the view scroll
	}
	if u.logFocused() {
		if u.logKey(ev) {
			return nil
		}
	} else if u.tableKey(ev) {
		return nil
	}
	return u.commonKey(ev)
}

// logFocused reports whether the log pane, rather than the table, was
// given the focus last, however it got it (keys or a click): the focus
// hooks of both keep it. It is safe while drawing, unlike app.GetFocus.
func (u *UI) logFocused() bool { return u.focusLog }

// tableKey handles the keys that move in the table.
func (u *UI) tableKey(ev *tcell.EventKey) bool {
	page := max(1, u.table.rows)
	switch ev.Key() {
	case tcell.KeyUp:
		u.move(-1)
	case tcell.KeyDown:
		u.move(1)
	case tcell.KeyPgUp:
		u.move(-page)
	case tcell.KeyPgDn:
		u.move(page)
	case tcell.KeyHome:
		u.move(-1 << 30)
	case tcell.KeyEnd:
		u.move(1 << 30)
	case tcell.KeyTab, tcell.KeyBacktab:
		u.setFocusLog(true)
	case tcell.KeyEscape:
		u.clearMessage()
	case tcell.KeyRune:
		switch ev.Rune() {
		case 'j':
			u.move(1)
		case 'k':
			u.move(-1)
		case 'g':
			u.move(-1 << 30)
		case 'G':
			u.move(1 << 30)
		case 'l':
			u.setFocusLog(true)
		case 'h':
		case '/':
			u.beginFilter(false)
		case 'n':
			u.openPrompt()
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// logKey handles the keys that move in the log.
func (u *UI) logKey(ev *tcell.EventKey) bool {
	v := u.logView
	page := max(1, v.height-1)
	switch ev.Key() {
	case tcell.KeyUp:
		u.scrollLog(-1)
	case tcell.KeyDown:
		v.scroll(1)
	case tcell.KeyPgUp:
		u.scrollLog(-page)
	case tcell.KeyPgDn:
		v.scroll(page)
	case tcell.KeyHome:
		u.logTop()
	case tcell.KeyEnd:
		v.toEnd()
	case tcell.KeyLeft:
		u.sideways(-8)
	case tcell.KeyRight:
		u.sideways(8)
	case tcell.KeyTab, tcell.KeyBacktab, tcell.KeyEscape:
		u.setFocusLog(false)
	case tcell.KeyRune:
		switch ev.Rune() {
		case 'k':
			u.scrollLog(-1)
		case 'j':
			v.scroll(1)
		case 'g':
			u.logTop()
		case 'G':
			v.toEnd()
		case 'h':
			u.sideways(-8)
		case 'l':
			u.sideways(8)
		case '/':
			u.beginFilter(true)
		case 'n':
			u.findInLog(1)
		case 'N':
			u.findInLog(-1)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// commonKey handles the keys that work wherever the focus is.
func (u *UI) commonKey(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Key() {
	case tcell.KeyEnter:
		u.showDetails()
		return nil
	case tcell.KeyRune:
	default:
		return ev
	}
	switch ev.Rune() {
	case 'q':
		u.app.Stop()
	case 'f':
		if u.logView.following {
			u.logView.following, u.logView.top = false, noLine
		} else {
			u.logView.toEnd()
		}
	case 'w':
		u.logView.wrap = !u.logView.wrap
	case 'c':
		u.logView.colours = !u.logView.colours
	case 't':
		u.logView.stamps = !u.logView.stamps
	case 'o':
		u.openPager()
	case 'a':
		u.states = u.states.next()
		u.render()
	case 'S':
		u.sortBy = u.sortBy.next()
		u.render()
		u.setMessage("sorted by %s", u.sortBy)
	case 's':
		u.askStop()
	case 'K':
		u.askKill()
	case 'r':
		u.restart()
	case 'd':
		u.askRemove()
	case 'y':
		u.copyID()
	case '?':
		u.pages.ShowPage("help")
		u.app.SetFocus(u.help)
	default:
		return ev
	}
	return nil
}

// scrollLog scrolls the log up, reading older output in when the top
// of what is kept is reached.
func (u *UI) scrollLog(delta int) {
	if u.logView.atTop() {
		u.loadOlder(func() { u.logView.scroll(delta) })
	}
	u.logView.scroll(delta)
}

// logTop goes to the first line kept and reads older output in.
func (u *UI) logTop() {
	u.logView.toTop()
	u.loadOlder(u.logView.toTop)
}

func (u *UI) sideways(delta int) {
	if u.logView.wrap {
		return
	}
	u.logView.left = max(0, u.logView.left+delta)
}

// back leaves the details, help or new-task view.
func (u *UI) back() {
	u.pages.HidePage("details")
	u.pages.HidePage("help")
	u.pages.HidePage("new")
	u.setFocusLog(false)
}

func (u *UI) setFocusLog(log bool) {
	if log {
		u.app.SetFocus(u.logView)
	} else {
		u.app.SetFocus(u.table)
	}
}

// footerKeys are the reminders in the footer, most useful first: as many
// as fit are shown.
var footerKeys = map[bool][][2]string{
	false: {{"?", "keys"}, {"q", "quit"}, {"⏎", "info"}, {"/", "filter"}, {"n", "new"}, {"s", "stop"},
		{"r", "restart"}, {"Tab", "log"}, {"a", "states"}, {"S", "sort"}, {"K", "kill"}, {"d", "rm"}, {"y", "copy id"}, {"o", "pager"}},
	true: {{"?", "keys"}, {"q", "quit"}, {"Esc", "table"}, {"/", "search"}, {"n/N", "next"}, {"G", "follow"},
		{"w", "wrap"}, {"t", "times"}, {"h/l", "sideways"}, {"o", "pager"}, {"c", "colours"}, {"f", "pause"}},
}

// footerText is the footer for a width: the keys that fit, in order, with
// ? and q always among them.
func footerText(log bool, w int) string {
	keys := footerKeys[log]
	var parts []string
	used := 0
	for _, k := range keys {
		p := k[0] + " " + k[1]
		width := len([]rune(p)) + 2
		if used+width > w && len(parts) >= 2 {
			continue
		}
		parts = append(parts, p)
		used += width
	}
	// ? and q lead the priority list, but read best at the end.
	if len(parts) >= 2 {
		parts = append(parts[2:], parts[:2]...)
	}
	return strings.Join(parts, "  ")
}

func (u *UI) drawFooter(screen tcell.Screen, x, y, w, h int) (int, int, int, int) {
	putText(screen, x, y, w, truncate(footerText(u.logFocused(), w), w), tcell.StyleDefault.Dim(true))
	return x, y, w, h
}
