package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

// Bounds of the log pane: it starts from the last startLines lines of the
// selected task's log and keeps the newest keepLines as the task writes
// more. Scrolling above the first line kept reads olderStep more from the
// files, up to maxKept in all.
const (
	startLines = 500
	keepLines  = 10_000
	olderStep  = 5_000
	maxKept    = 200_000
	// maxPartial bounds an unfinished line: output without a newline for
	// this long is shown as a line of its own.
	maxPartial = 64 << 10
	// drawEvery coalesces redraws: a task printing thousands of lines a
	// second costs one redraw per interval, not one per line.
	drawEvery = 100 * time.Millisecond
)

// logPane holds the selected task's output as display lines, filled by a
// follower goroutine and read by the log view on the event goroutine.
type logPane struct {
	mu sync.Mutex
	id string
	// gen changes with every reset: writes and draw requests from the
	// follower of an earlier selection carry an older gen and are dropped,
	// so they can neither mix into this task's log nor swallow its draw.
	gen     uint64
	lines   []logLine
	dropped int // lines trimmed from the front since reset: line i is number dropped+i
	limit   int // lines kept before trimming
	// open holds each stream's unfinished line and graphic state: stdout
	// and stderr are written apart, each line whole in the log's order.
	open [2]openLine
	// loaded is set once the first read of the log is in; older, when
	// the files hold lines before the first one kept.
	loaded, older bool
	pending       bool // a redraw is scheduled for gen
	cancel        context.CancelFunc
}

// openLine is a stream's line not finished yet.
type openLine struct {
	text string
	st   sgr       // the graphic state after the stream's last whole line
	at   time.Time // when its first byte was written
}

func newLogPane() *logPane { return &logPane{limit: keepLines} }

// paneWriter is where the follower of one selection writes.
type paneWriter struct {
	p   *logPane
	gen uint64
}

// chunk takes a piece of output; one from the follower of an earlier
// selection is dropped.
func (w paneWriter) chunk(c engine.LogChunk) error {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.p.gen == w.gen {
		w.p.add(c.Data, c.Stream == engine.Stderr, c.Time)
	}
	return nil
}

// Write takes output of unknown stream and time, as stdout (tests).
func (w paneWriter) Write(b []byte) (int, error) {
	w.chunk(engine.LogChunk{Data: b, Stream: engine.Stdout})
	return len(b), nil
}

// add turns raw output of one stream into display lines; the caller holds
// mu. Each byte is parsed once as part of a finished line; an unfinished
// one is kept only from its last carriage return on, so a progress
// spinner that never prints a newline costs no more with every update.
func (p *logPane) add(b []byte, stderr bool, at time.Time) {
	o := &p.open[slot(stderr)]
	if o.text == "" {
		o.at = at
	}
	data := o.text + string(b)
	for {
		i := strings.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		l := parseLine(data[:i], &o.st)
		l.stderr, l.at = stderr, o.at
		p.push(l)
		data, o.at = data[i+1:], at
	}
	if j := strings.LastIndexByte(strings.TrimSuffix(data, "\r"), '\r'); j >= 0 {
		scanSGR(data[:j], &o.st)
		data = data[j+1:]
	}
	if len(data) > maxPartial {
		l := parseLine(data, &o.st)
		l.stderr, l.at = stderr, o.at
		p.push(l)
		data = ""
	}
	o.text = data
}

func slot(stderr bool) int {
	if stderr {
		return 1
	}
	return 0
}

func (p *logPane) push(l logLine) {
	p.lines = append(p.lines, l)
	if over := len(p.lines) - p.limit; over > p.limit/4 {
		p.lines = append(p.lines[:0:0], p.lines[over:]...)
		p.dropped += over
		p.older = true
	}
}

// unfinished lists the streams with an unfinished line, the one begun
// first first; the caller holds mu.
func (p *logPane) unfinished() []int {
	var out []int
	for i := range p.open {
		if p.open[i].text != "" {
			out = append(out, i)
		}
	}
	if len(out) == 2 && p.open[1].at.Before(p.open[0].at) {
		out[0], out[1] = 1, 0
	}
	return out
}

// count is the number of lines shown, unfinished ones included; the
// caller holds mu.
func (p *logPane) count() int {
	return len(p.lines) + len(p.unfinished())
}

// line is shown line i; the caller holds mu.
func (p *logPane) line(i int) logLine {
	if i < len(p.lines) {
		return p.lines[i]
	}
	k := p.unfinished()[i-len(p.lines)]
	o := p.open[k]
	st := o.st
	l := parseLine(o.text, &st)
	l.stderr, l.at = k == 1, o.at
	return l
}

// text is the whole pane as plain text, for tests.
func (p *logPane) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, p.count())
	for i := range out {
		out[i] = p.line(i).text
	}
	return strings.Join(out, "\n")
}

// current is the task shown and whether a follower runs for it.
func (p *logPane) current() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.id, p.cancel != nil
}

func (p *logPane) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// reset empties the pane for task id and returns the writer for it.
func (p *logPane) reset(id string) paneWriter {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	p.id, p.lines, p.dropped, p.limit, p.open = id, nil, 0, keepLines, [2]openLine{}
	p.loaded, p.older, p.pending = false, false, false
	return paneWriter{p, p.gen}
}

// showLog points the log pane at the selected task. Live, a goroutine
// follows the task's log; otherwise (tests) the tail is read at once.
func (u *UI) showLog() {
	id := u.selectedID
	u.renderLogTitle()
	if cur, following := u.log.current(); cur == id && (following || !u.live) {
		return
	}
	w := u.log.reset(id)
	u.logView.reset()
	if id == "" {
		return
	}
	if !u.live {
		if f, err := u.eng.NewChunkFollower(id, startLines); err == nil {
			f.DrainChunks(w.chunk)
			f.Close()
		}
		u.log.mu.Lock()
		u.log.loaded, u.log.older = true, len(u.log.lines) >= startLines
		u.log.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.log.mu.Lock()
	u.log.cancel = cancel
	u.log.mu.Unlock()
	go u.followLog(ctx, id, w)
}

func (u *UI) followLog(ctx context.Context, id string, sink paneWriter) {
	f, err := u.eng.NewChunkFollower(id, startLines)
	if err != nil {
		u.app.QueueUpdateDraw(func() { u.setError("reading log: %v", err) })
		return
	}
	defer f.Close()
	var w *engine.Watcher
	defer func() {
		if w != nil {
			w.Close()
		}
	}()
	first := true
	for {
		n, _ := f.DrainChunks(sink.chunk)
		if first {
			first = false
			u.log.mu.Lock()
			if u.log.gen == sink.gen {
				u.log.loaded, u.log.older = true, len(u.log.lines) >= startLines
			}
			u.log.mu.Unlock()
			u.scheduleLogDraw(sink.gen)
		} else if n > 0 {
			u.scheduleLogDraw(sink.gen)
		}
		if n > 0 {
			// The task is writing: read again after half a redraw
			// interval rather than wake on each of its writes, which for a
			// task printing thousands of lines a second costs more than
			// the reading. The watcher is armed again once it is quiet.
			if w != nil {
				w.Close()
				w = nil
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(drawEvery / 2):
			}
			continue
		}
		if w == nil {
			// Armed after a read that found nothing, then read once more:
			// what came in between is not missed.
			w = u.eng.WatchTask(id)
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.C:
		}
	}
}

// scheduleLogDraw asks for one redraw of the pane after drawEvery, however
// many writes come in before it. A request from the follower of an earlier
// selection is ignored.
func (u *UI) scheduleLogDraw(gen uint64) {
	u.log.mu.Lock()
	defer u.log.mu.Unlock()
	if u.log.gen != gen || u.log.pending {
		return
	}
	u.log.pending = true
	time.AfterFunc(drawEvery, func() {
		u.app.QueueUpdateDraw(func() {
			u.log.mu.Lock()
			if u.log.gen == gen {
				u.log.pending = false
			}
			u.log.mu.Unlock()
		})
	})
}

// loadOlder reads up to olderStep lines before the first one kept, off
// the event goroutine, and puts them in front. The files are read again
// from their end; the lines kept are found in what was read by their
// text, so lines written meanwhile are neither lost nor doubled.
func (u *UI) loadOlder(then func()) {
	p := u.log
	p.mu.Lock()
	if !p.older || !p.loaded {
		p.mu.Unlock()
		return
	}
	id, gen, have := p.id, p.gen, len(p.lines)
	p.mu.Unlock()
	want := min(have+olderStep, maxKept)
	go func() {
		// Read into a pane of its own: its whole lines are those wanted.
		older := newLogPane()
		older.limit = maxKept
		w := older.reset(id)
		if f, err := u.eng.NewChunkFollower(id, want+1); err == nil { // +1: an unfinished line
			f.DrainChunks(w.chunk)
			f.Close()
		}
		fresh := older.lines
		u.app.QueueUpdateDraw(func() {
			p.mu.Lock()
			if p.gen == gen {
				k := alignAt(fresh, p.lines)
				if k > 0 {
					p.lines = append(fresh[:k:k], p.lines...)
					p.dropped -= k
					p.limit = max(p.limit, len(p.lines))
				}
				p.older = k > 0 && len(fresh) >= want
			}
			p.mu.Unlock()
			if then != nil {
				then()
			}
		})
	}()
}

// alignAt finds where kept (a run of the log's lines) starts in fresh (the
// log's last lines read again, which may run further): the number of lines
// of fresh that come before it, or 0 if it is not found.
func alignAt(fresh, kept []logLine) int {
	probe := min(len(kept), 8)
	if probe == 0 {
		return len(fresh)
	}
	for k := len(fresh) - probe; k > 0; k-- {
		same := true
		for j := 0; j < probe && same; j++ {
			same = fresh[k+j].text == kept[j].text
		}
		if same {
			return k
		}
	}
	return 0
}

// pagerText writes the task's whole log as the pane shows it (escape
// sequences taken out, control bytes made visible) to w.
func pagerText(w io.Writer, eng *engine.Engine, id string) error {
	var raw bytes.Buffer
	if err := eng.Log(&raw, id, engine.LogOptions{Tail: -1}); err != nil {
		return err
	}
	var st sgr
	text := strings.TrimSuffix(raw.String(), "\n")
	if text == "" {
		return nil
	}
	var out bytes.Buffer
	for _, line := range strings.Split(text, "\n") {
		out.WriteString(parseLine(line, &st).text)
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}
