// Package printable makes untrusted text (commands, names, log lines) safe
// to put on a terminal: control characters, bidi overrides and invalid
// UTF-8 become visible escapes, and widths are counted in terminal cells.
package printable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// String returns s with every byte or rune that could move the cursor,
// change colours, reorder text or break a line shown as an escape: \n, \t,
// \x1b, \u202e, \xff.
func String(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// unsafeRune reports runes that are invisible or reorder text: C1
// controls, bidi embeddings, overrides and isolates, and other format
// characters such as zero-width joiners used to disguise text.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r < 0xa0:
		return true
	case r == 0x200e || r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r) && r != 0x200d
}

// Width is the number of terminal cells s takes once made printable.
func Width(s string) int { return cells(String(s)) }

// cells counts the terminal cells of printable text. Plain ASCII, the
// common case, is one cell a byte; only the rest pays for grapheme
// clustering, which made a long list slow.
func cells(p string) int {
	if isPlain(p) {
		return len(p)
	}
	return runewidth.StringWidth(p)
}

// Truncate makes s printable and cuts it to at most width cells, ending
// with "…" when something was cut.
func Truncate(s string, width int) string {
	p := String(s)
	if cells(p) <= width {
		return p
	}
	if width <= 0 {
		return ""
	}
	return runewidth.Truncate(p, width, "…")
}

// Quote joins argv into one line a shell would read back as the same
// words, quoting only where needed, then makes it printable.
func Quote(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = shellQuote(a)
	}
	return String(strings.Join(parts, " "))
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:=@%+,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
