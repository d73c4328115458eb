package tui

import (
	"github.com/gdamore/tcell/v2"
)

// footerText is the one-line reminder of the main keys.
const footerText = "[::d]⏎ info  / filter  a states  s stop  K kill  r restart  d rm  ? keys  q quit[::-]"

// helpText lists every key.
const helpText = `
  ↑ ↓  j k        move the selection
  g G             first / last task
  PgUp PgDn       a page up / down (in the log when it has focus)
  mouse           click a task to select it
  Enter           details of the task: command, cwd, ids, times, environment
  Esc             back (from details, help, a question or the log)
  Tab  l          move between the task table and the log
  h               back to the table
  f               follow the log (scroll with new output) or pause it
  /               filter the table by text (name, command, id); Enter keeps, Esc clears
  a               which tasks: all, running, finished
  s               stop the task (asks first): SIGTERM, SIGKILL after 10s
  K               kill the task: SIGKILL at once
  r               restart: the same command, cwd, environment and name, as a new task
  d               remove a finished task and its log (asks first)
  ?               this help
  q  Ctrl-C       quit (tasks keep running)
`

// handleKey is the application's input capture: every key goes through it
// first. It returns nil for keys it used, the event for widgets to handle.
func (u *UI) handleKey(ev *tcell.EventKey) *tcell.EventKey {
	if u.filtering {
		return ev // the filter input has the keys; its done func ends it
	}
	if u.confirm != nil {
		u.answer(ev.Key() == tcell.KeyRune && (ev.Rune() == 'y' || ev.Rune() == 'Y'))
		return nil
	}
	if name, _ := u.pages.GetFrontPage(); name != "main" {
		if ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyEnter || (ev.Key() == tcell.KeyRune && ev.Rune() == 'q') {
			u.back()
			return nil
		}
		return ev // let the view scroll
	}
	switch ev.Key() {
	case tcell.KeyEnter:
		u.showDetails()
		return nil
	case tcell.KeyTab, tcell.KeyBacktab:
		u.setFocusLog(!u.focusLog)
		return nil
	case tcell.KeyEscape:
		u.setFocusLog(false)
		u.message = ""
		u.renderStatus()
		return nil
	case tcell.KeyUp, tcell.KeyDown, tcell.KeyPgUp, tcell.KeyPgDn, tcell.KeyHome, tcell.KeyEnd:
		if u.focusLog {
			return ev // the log view scrolls
		}
		u.move(map[tcell.Key]int{tcell.KeyUp: -1, tcell.KeyDown: 1, tcell.KeyPgUp: -10, tcell.KeyPgDn: 10,
			tcell.KeyHome: -1 << 30, tcell.KeyEnd: 1 << 30}[ev.Key()])
		return nil
	case tcell.KeyRune:
		return u.handleRune(ev)
	}
	return ev
}

func (u *UI) handleRune(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Rune() {
	case 'q':
		u.app.Stop()
	case 'j':
		if u.focusLog {
			return ev
		}
		u.move(1)
	case 'k':
		if u.focusLog {
			return ev
		}
		u.move(-1)
	case 'g':
		u.move(-1 << 30)
	case 'G':
		u.move(1 << 30)
	case 'l':
		u.setFocusLog(true)
	case 'h':
		u.setFocusLog(false)
	case 'f':
		u.following = !u.following
		u.showLog()
		u.drawLog()
	case '/':
		u.beginFilter()
	case 'a':
		u.states = u.states.next()
		u.render()
	case 's':
		u.askStop()
	case 'K':
		u.kill()
	case 'r':
		u.restart()
	case 'd':
		u.askRemove()
	case '?':
		u.pages.ShowPage("help")
		u.app.SetFocus(u.help)
	default:
		return ev
	}
	return nil
}

// back leaves the details or help view.
func (u *UI) back() {
	u.pages.HidePage("details")
	u.pages.HidePage("help")
	u.setFocusLog(u.focusLog)
}

func (u *UI) setFocusLog(log bool) {
	u.focusLog = log
	if log {
		u.app.SetFocus(u.logView)
	} else {
		u.app.SetFocus(u.table)
	}
}
