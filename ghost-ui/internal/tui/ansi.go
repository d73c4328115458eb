package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/ghostproject/ghost/ghost-core/printable"
)

// A log line as the pane keeps it: text that a terminal may show (every
// escape sequence taken out, every other control byte made a visible
// escape) and the colours its escape sequences asked for, as tcell styles
// over byte ranges of the text. Colours are never passed on as escapes:
// the screen library draws them, in the screen's own palette.
type logLine struct {
	text  string
	spans []span // ordered, not overlapping; text outside them is plain
	// stderr marks a line the task wrote to its standard error; at is
	// when its first byte was written (zero when not recorded).
	stderr bool
	at     time.Time
}

type span struct {
	start, end int
	style      tcell.Style
}

// sgr is the graphic state a program's escape sequences set; it carries
// from one line to the next, as it does on a terminal.
type sgr struct {
	style tcell.Style
}

// tabWidth is how many spaces a tab becomes.
const tabWidth = 4

// parseLine turns one line of raw output (no newline) into a logLine,
// starting from and updating the graphic state st. A carriage return
// starts the line over, as on a terminal: a progress bar shows its last
// state.
func parseLine(raw string, st *sgr) logLine {
	if i := strings.LastIndexByte(strings.TrimSuffix(raw, "\r"), '\r'); i >= 0 {
		// What came before the last carriage return is overwritten; only
		// its colour changes matter.
		scanSGR(raw[:i], st)
		raw = raw[i+1:]
	}
	raw = strings.TrimSuffix(raw, "\r")
	var b strings.Builder
	var spans []span
	emit := func(s string) {
		if s == "" {
			return
		}
		s = strings.ReplaceAll(s, "\t", strings.Repeat(" ", tabWidth))
		start := b.Len()
		b.WriteString(printable.String(s))
		if st.style != tcell.StyleDefault {
			if n := len(spans); n > 0 && spans[n-1].end == start && spans[n-1].style == st.style {
				spans[n-1].end = b.Len()
			} else {
				spans = append(spans, span{start, b.Len(), st.style})
			}
		}
	}
	for {
		i := strings.IndexByte(raw, 0x1b)
		if i < 0 {
			emit(raw)
			break
		}
		emit(raw[:i])
		n, params, final := escapeAt(raw[i:])
		if final == 'm' {
			st.apply(params)
		}
		raw = raw[i+n:]
	}
	return logLine{text: b.String(), spans: spans}
}

// scanSGR applies the colour changes in raw to st, dropping the rest.
func scanSGR(raw string, st *sgr) {
	for {
		i := strings.IndexByte(raw, 0x1b)
		if i < 0 {
			return
		}
		n, params, final := escapeAt(raw[i:])
		if final == 'm' {
			st.apply(params)
		}
		raw = raw[i+n:]
	}
}

// escapeAt measures the escape sequence at the start of s (s[0] is ESC):
// its length, and for a CSI sequence its parameters and final byte. An
// unfinished sequence runs to the end of s; OSC strings end at BEL or ST.
func escapeAt(s string) (n int, params string, final byte) {
	if len(s) < 2 {
		return len(s), "", 0
	}
	switch s[1] {
	case '[':
		for j := 2; j < len(s); j++ {
			if c := s[j]; c >= 0x40 && c <= 0x7e {
				return j + 1, s[2:j], c
			}
		}
		return len(s), "", 0
	case ']', 'P', '_', '^', 'X':
		for j := 2; j < len(s); j++ {
			switch {
			case s[j] == 0x07:
				return j + 1, "", 0
			case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
				return j + 2, "", 0
			}
		}
		return len(s), "", 0
	case '(', ')', '*', '+', '#', '%':
		return min(3, len(s)), "", 0 // charset designations take one more byte
	}
	return 2, "", 0
}

// apply reads the parameters of an SGR sequence (ESC [ ... m).
func (st *sgr) apply(params string) {
	if params == "" {
		st.style = tcell.StyleDefault
		return
	}
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	num := func(i int) int {
		if i >= len(ps) {
			return -1
		}
		v, err := strconv.Atoi(ps[i])
		if err != nil {
			return -1
		}
		return v
	}
	s := st.style
	for i := 0; i < len(ps); i++ {
		switch p := num(i); {
		case p == 0:
			s = tcell.StyleDefault
		case p == 1:
			s = s.Bold(true)
		case p == 2:
			s = s.Dim(true)
		case p == 3:
			s = s.Italic(true)
		case p == 4:
			s = s.Underline(true)
		case p == 5 || p == 6:
			s = s.Blink(true)
		case p == 7:
			s = s.Reverse(true)
		case p == 9:
			s = s.StrikeThrough(true)
		case p == 22:
			s = s.Bold(false).Dim(false)
		case p == 23:
			s = s.Italic(false)
		case p == 24:
			s = s.Underline(false)
		case p == 25:
			s = s.Blink(false)
		case p == 27:
			s = s.Reverse(false)
		case p == 29:
			s = s.StrikeThrough(false)
		case p >= 30 && p <= 37:
			s = s.Foreground(tcell.PaletteColor(p - 30))
		case p == 39:
			s = s.Foreground(tcell.ColorDefault)
		case p >= 40 && p <= 47:
			s = s.Background(tcell.PaletteColor(p - 40))
		case p == 49:
			s = s.Background(tcell.ColorDefault)
		case p >= 90 && p <= 97:
			s = s.Foreground(tcell.PaletteColor(p - 90 + 8))
		case p >= 100 && p <= 107:
			s = s.Background(tcell.PaletteColor(p - 100 + 8))
		case p == 38 || p == 48:
			var c tcell.Color
			switch num(i + 1) {
			case 5:
				if v := num(i + 2); v >= 0 && v <= 255 {
					c = tcell.PaletteColor(v)
				}
				i += 2
			case 2:
				r, g, b := num(i+2), num(i+3), num(i+4)
				if r >= 0 && g >= 0 && b >= 0 && r < 256 && g < 256 && b < 256 {
					c = tcell.NewRGBColor(int32(r), int32(g), int32(b))
				}
				i += 4
			default:
				i = len(ps) // unreadable: ignore the rest
			}
			if c != tcell.ColorDefault {
				if p == 38 {
					s = s.Foreground(c)
				} else {
					s = s.Background(c)
				}
			}
		}
	}
	st.style = s
}

// displayLine is the text alone of a raw line, as the pager and tests
// see it.
func displayLine(raw string) string {
	var st sgr
	return parseLine(raw, &st).text
}
