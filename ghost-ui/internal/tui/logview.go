package tui

import (
	"math"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

// logView draws the lines of a logPane: only those on screen, so a long
// log or a fast one costs what the screen shows, not what the task wrote.
// It holds where the reader is: following the end or at a line, how far
// scrolled sideways, wrapped or not, colours or not, and a search.
type logView struct {
	*tview.Box
	pane *logPane
	// following keeps the end in view as lines arrive; scrolling up
	// pauses it.
	following bool
	// top is the number of the first line shown while not following (see
	// logPane.dropped; lines read in later have numbers below 0), or
	// noLine: at the end, fixed there on the next draw.
	top     int
	left    int // columns scrolled sideways, when not wrapping
	wrap    bool
	colours bool
	// stamps shows when each line was written, in front of it.
	stamps bool
	// search is the text searched for, lower-case; match is the number of
	// the line last jumped to.
	search string
	match  int
	// empty is what an empty pane says; ended, that its task has ended
	// (an empty log then has no output, not none yet).
	empty string
	ended bool
	// height is the number of rows last drawn, for paging.
	height int
}

// noLine is no line number: line numbers go below 0 as older lines are
// read in.
const noLine = math.MinInt

func newLogView(p *logPane) *logView {
	v := &logView{Box: tview.NewBox(), pane: p, following: true, top: noLine, colours: true, match: noLine}
	v.SetBorder(true)
	return v
}

// reset readies the view for another task's log: at its end, not moved
// sideways; following or paused as it was.
func (v *logView) reset() {
	v.top, v.left, v.match = noLine, 0, noLine
}

// Draw draws the visible lines.
func (v *logView) Draw(screen tcell.Screen) {
	v.Box.DrawForSubclass(screen, v)
	x, y, w, h := v.GetInnerRect()
	v.height = h
	if w <= 0 || h <= 0 {
		return
	}
	p := v.pane
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.count()
	if n == 0 {
		msg := v.empty
		if msg == "" && p.loaded {
			msg = "no output yet"
			if v.ended {
				msg = "no output"
			}
		}
		tview.Print(screen, "[::d]"+tview.Escape(msg)+"[::-]", x, y, w, tview.AlignLeft, tcell.ColorDefault)
		return
	}
	if v.wrap {
		v.drawWrapped(screen, x, y, w, h, n)
		return
	}
	first := max(0, n-h)
	if !v.following {
		if v.top == noLine {
			v.top = p.dropped + first // paused: hold the view where it is now
		}
		first = min(max(0, v.top-p.dropped), max(0, n-h))
		v.top = p.dropped + first
	}
	for row := 0; row < h && first+row < n; row++ {
		l := p.line(first + row)
		lx, lw := v.stamp(screen, l, x, y+row, w)
		v.drawLine(screen, l, lx, y+row, lw, v.left, first+row+p.dropped == v.match)
	}
}

// stampWidth is the room a timestamp takes: "15:04:05.000 ".
const stampWidth = 13

// stamp draws the line's time in front of it when asked for, and returns
// where the line itself goes.
func (v *logView) stamp(screen tcell.Screen, l logLine, x, y, w int) (int, int) {
	if !v.stamps || w <= stampWidth {
		return x, w
	}
	text := "            "
	if !l.at.IsZero() {
		text = l.at.Local().Format("15:04:05.000")
	}
	putText(screen, x, y, stampWidth, text, tcell.StyleDefault.Dim(true))
	return x + stampWidth, w - stampWidth
}

// stderrColour is the colour of what a task writes to its standard
// error, where the task itself set none.
var stderrColour = tcell.PaletteColor(1)

// drawWrapped draws whole lines folded at the width: from the line at top
// down, or from the last line up when following.
func (v *logView) drawWrapped(screen tcell.Screen, x, y, w, h, n int) {
	p := v.pane
	x0, w0 := x, w
	if v.stamps && w > stampWidth {
		x, w = x+stampWidth, w-stampWidth
	}
	first := 0
	if v.following || v.top == noLine {
		rows := 0
		first = n
		for first > 0 && rows < h {
			first--
			rows += wrappedRows(p.line(first).text, w)
		}
		if rows > h && first < n-1 {
			first++ // the top line would not fit whole
		}
		if !v.following {
			v.top = p.dropped + first
		}
	} else {
		first = min(max(0, v.top-p.dropped), n-1)
		v.top = p.dropped + first
	}
	row := 0
	for i := first; i < n && row < h; i++ {
		l := p.line(i)
		v.stamp(screen, l, x0, y+row, w0)
		for start, end := range wrapRanges(l.text, w) {
			if row >= h {
				break
			}
			part := logLine{text: l.text[start:end], stderr: l.stderr}
			for _, s := range l.spans {
				if s.end > start && s.start < end {
					part.spans = append(part.spans, span{max(s.start, start) - start, min(s.end, end) - start, s.style})
				}
			}
			v.drawLine(screen, part, x, y+row, w, 0, i+p.dropped == v.match)
			row++
		}
	}
}

// drawLine draws one line from column left on: colours from its spans
// (unless turned off), search matches reversed, wide characters whole or
// not at all.
func (v *logView) drawLine(screen tcell.Screen, l logLine, x, y, w, left int, current bool) {
	var marks [][2]int
	if v.search != "" {
		lower := strings.ToLower(l.text)
		if len(lower) == len(l.text) { // offsets agree
			for i := 0; ; {
				j := strings.Index(lower[i:], v.search)
				if j < 0 {
					break
				}
				marks = append(marks, [2]int{i + j, i + j + len(v.search)})
				i += j + len(v.search)
			}
		}
	}
	col, sp, mk := 0, 0, 0
	text := l.text
	state := -1
	for off := 0; off < len(text); {
		var cluster string
		width := 1
		if c := text[off]; c < 0x80 {
			cluster = text[off : off+1]
		} else {
			var boundaries int
			cluster, _, boundaries, state = uniseg.StepString(text[off:], state)
			width = boundaries >> uniseg.ShiftWidth
		}
		if width <= 0 {
			off += len(cluster) // a mark with nothing to sit on: drop it
			continue
		}
		style := tcell.StyleDefault
		if l.stderr {
			style = style.Foreground(stderrColour)
		}
		if v.colours {
			for sp < len(l.spans) && l.spans[sp].end <= off {
				sp++
			}
			if sp < len(l.spans) && l.spans[sp].start <= off {
				if fg, _, _ := l.spans[sp].style.Decompose(); fg == tcell.ColorDefault && l.stderr {
					style = l.spans[sp].style.Foreground(stderrColour)
				} else {
					style = l.spans[sp].style
				}
			}
		}
		for mk < len(marks) && marks[mk][1] <= off {
			mk++
		}
		if mk < len(marks) && marks[mk][0] <= off {
			style = tcell.StyleDefault.Reverse(true)
			if current {
				style = style.Bold(true).Underline(true)
			}
		}
		if col >= left {
			c := col - left
			if c+width > w {
				if c < w {
					screen.SetContent(x+c, y, ' ', nil, tcell.StyleDefault)
				}
				return
			}
			runes := []rune(cluster)
			screen.SetContent(x+c, y, runes[0], runes[1:], style)
		} else if col+width > left {
			screen.SetContent(x, y, ' ', nil, tcell.StyleDefault) // half a wide character
		}
		col += max(width, 0)
		off += len(cluster)
		if text[off-len(cluster)] < 0x80 {
			state = -1
		}
	}
}

// wrapRanges splits text into byte ranges of at most w columns.
func wrapRanges(text string, w int) func(yield func(int, int) bool) {
	return func(yield func(int, int) bool) {
		if text == "" {
			yield(0, 0)
			return
		}
		start, col, state := 0, 0, -1
		for off := 0; off < len(text); {
			cluster, _, boundaries, st := uniseg.StepString(text[off:], state)
			state = st
			width := boundaries >> uniseg.ShiftWidth
			if col+width > w && col > 0 {
				if !yield(start, off) {
					return
				}
				start, col = off, 0
			}
			col += width
			off += len(cluster)
		}
		yield(start, len(text))
	}
}

func wrappedRows(text string, w int) int {
	n := 0
	for range wrapRanges(text, w) {
		n++
	}
	return n
}

// scroll moves the view by delta lines; moving up pauses following.
func (v *logView) scroll(delta int) {
	p := v.pane
	p.mu.Lock()
	n, dropped := p.count(), p.dropped
	p.mu.Unlock()
	if v.following || v.top == noLine {
		v.top = dropped + max(0, n-max(v.height, 1))
	}
	if delta < 0 {
		v.following = false
	}
	v.top = min(max(dropped, v.top+delta), dropped+max(0, n-1))
}

// toTop shows the first line kept.
func (v *logView) toTop() {
	v.pane.mu.Lock()
	v.top = v.pane.dropped
	v.pane.mu.Unlock()
	v.following = false
}

// toEnd shows the end and follows it again.
func (v *logView) toEnd() {
	v.following, v.top = true, noLine
}

// atTop reports whether the first line kept is on screen.
func (v *logView) atTop() bool {
	v.pane.mu.Lock()
	defer v.pane.mu.Unlock()
	if v.following || v.top == noLine {
		return v.pane.count() <= v.height
	}
	return v.top <= v.pane.dropped
}

// find moves to the next line (dir 1) or previous (dir -1) matching the
// search, from the last match or the view, wrapping around; it reports
// the match's place among all and their count, 0 when none.
func (v *logView) find(dir int) (int, int) {
	p := v.pane
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.count()
	var hits []int
	for i := range n {
		if strings.Contains(strings.ToLower(p.line(i).text), v.search) {
			hits = append(hits, i+p.dropped)
		}
	}
	if len(hits) == 0 || v.search == "" {
		return 0, 0
	}
	k := -1
	switch {
	case v.match == noLine && (v.following || v.top == noLine):
		k = len(hits) - 1 // at the end: the newest match
	case v.match == noLine:
		// From the view: the first match on screen or after it (n), the
		// last before its bottom (N).
		from, to := v.top, v.top+max(v.height, 1)
		if dir > 0 {
			k = firstAfter(hits, from-1)
		} else {
			k = lastBefore(hits, to)
		}
	case dir > 0:
		k = firstAfter(hits, v.match)
	default:
		k = lastBefore(hits, v.match)
	}
	v.match = hits[k]
	v.following = false
	v.top = max(p.dropped, v.match-max(v.height, 1)/2)
	return k + 1, len(hits)
}

// MouseHandler scrolls with the wheel and takes the focus on a click.
func (v *logView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return v.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if !v.InRect(event.Position()) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftDown, tview.MouseLeftClick:
			setFocus(v)
			return true, nil
		case tview.MouseScrollUp:
			v.scroll(-3)
			return true, nil
		case tview.MouseScrollDown:
			v.scroll(3)
			return true, nil
		}
		return false, nil
	})
}

// firstAfter is the index of the first hit after line, wrapping to 0.
func firstAfter(hits []int, line int) int {
	for i, h := range hits {
		if h > line {
			return i
		}
	}
	return 0
}

// lastBefore is the index of the last hit before line, wrapping to the
// last.
func lastBefore(hits []int, line int) int {
	for i := len(hits) - 1; i >= 0; i-- {
		if hits[i] < line {
			return i
		}
	}
	return len(hits) - 1
}
