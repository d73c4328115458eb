package tui

import (
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

// Bounds of the log pane: it starts from the last startLines lines and
// keeps at most maxLines, however long the task runs.
const (
	startLines = 500
	maxLines   = 2000
	// drawEvery coalesces redraws: a task printing thousands of lines a
	// second costs one redraw per interval, not one per line.
	drawEvery = 50 * time.Millisecond
)

// logPane holds the lines of the selected task's output, filled by a
// follower goroutine and drawn on the event goroutine.
type logPane struct {
	mu        sync.Mutex
	id        string
	lines     []string
	partial   string
	scheduled bool
	cancel    context.CancelFunc
}

func newLogPane() *logPane { return &logPane{} }

// sink is where the follower of task id writes. A follower whose task is
// no longer selected may still be finishing a read: its bytes are dropped
// rather than mixed into another task's log.
func (p *logPane) sink(id string) io.Writer { return paneWriter{p, id} }

type paneWriter struct {
	p  *logPane
	id string
}

func (w paneWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.p.id != w.id {
		return len(b), nil
	}
	return w.p.add(b), nil
}

// add keeps raw output as display lines; the caller holds mu.
func (p *logPane) add(b []byte) int {
	text := p.partial + string(b)
	parts := strings.Split(text, "\n")
	p.partial = parts[len(parts)-1]
	for _, line := range parts[:len(parts)-1] {
		p.lines = append(p.lines, displayLine(line))
	}
	if over := len(p.lines) - maxLines; over > 0 {
		p.lines = append(p.lines[:0:0], p.lines[over:]...)
	}
	return len(b)
}

// text is what the pane shows, escaped for tview.
func (p *logPane) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	all := p.lines
	if p.partial != "" {
		all = append(all[:len(all):len(all)], displayLine(p.partial))
	}
	return tview.Escape(strings.Join(all, "\n"))
}

// current is the task shown and whether a follower runs for it.
func (p *logPane) current() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.id, p.cancel != nil
}

func (p *logPane) setCancel(cancel context.CancelFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancel = cancel
}

func (p *logPane) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// reset empties the pane for task id.
func (p *logPane) reset(id string) {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.id, p.lines, p.partial, p.scheduled = id, nil, "", false
}

// ansiSequence matches terminal control sequences (CSI, OSC and two-byte
// escapes), which colourful programs print: they are dropped, not shown
// as noise or, worse, passed to the terminal.
var ansiSequence = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])`)

// displayLine turns one line of raw output into what a terminal may show:
// escape sequences dropped, a carriage-return progress bar reduced to its
// last state, tabs expanded, every other control byte made visible.
func displayLine(line string) string {
	line = ansiSequence.ReplaceAllString(line, "")
	line = strings.TrimSuffix(line, "\r")
	if i := strings.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:]
	}
	line = strings.ReplaceAll(line, "\t", "    ")
	return safe(line)
}

// showLog points the log pane at the selected task. Live, a goroutine
// follows the task's log; otherwise (tests) the tail is read at once.
func (u *UI) showLog() {
	id := u.selectedID
	title := " log "
	if id != "" {
		title = " log: " + id[:min(8, len(id))]
		if u.following {
			title += " (following) "
		} else {
			title += " (paused: f to follow) "
		}
	}
	u.logView.SetTitle(title)
	if cur, following := u.log.current(); cur == id && (following || !u.live) {
		return
	}
	u.log.reset(id)
	u.logView.SetText("")
	if id == "" {
		return
	}
	if !u.live {
		u.eng.Log(u.log.sink(id), id, engine.LogOptions{Tail: startLines})
		u.drawLog()
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	u.log.setCancel(cancel)
	go u.followLog(ctx, id)
}

// followLog feeds the pane through the engine's one follower, which ends
// with the task (the pane keeps what it shows) or when another task is
// selected.
func (u *UI) followLog(ctx context.Context, id string) {
	w := drawingWriter{u: u, id: id, sink: u.log.sink(id)}
	err := u.eng.Follow(ctx, w, id, engine.LogOptions{Tail: startLines})
	if err != nil && ctx.Err() == nil {
		u.app.QueueUpdateDraw(func() { u.setError("reading log: %v", err) })
	}
}

// drawingWriter writes into the pane and asks for a (coalesced) redraw.
type drawingWriter struct {
	u    *UI
	id   string
	sink io.Writer
}

func (w drawingWriter) Write(b []byte) (int, error) {
	n, err := w.sink.Write(b)
	if n > 0 {
		w.u.scheduleLogDraw(w.id)
	}
	return n, err
}

// scheduleLogDraw asks for one redraw of the pane after drawEvery, however
// many writes come in before it.
func (u *UI) scheduleLogDraw(id string) {
	u.log.mu.Lock()
	defer u.log.mu.Unlock()
	if u.log.scheduled {
		return
	}
	u.log.scheduled = true
	time.AfterFunc(drawEvery, func() {
		u.app.QueueUpdateDraw(func() {
			u.log.mu.Lock()
			u.log.scheduled = false
			current := u.log.id == id
			u.log.mu.Unlock()
			if current {
				u.drawLog()
			}
		})
	})
}

func (u *UI) drawLog() {
	if !u.following {
		return
	}
	u.logView.SetText(u.log.text())
	u.logView.ScrollToEnd()
}
