package task

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// AppendJSON appends t's task object (see JSON) to b, byte for byte as
// encoding/json indents it with two spaces at nesting depth depth (1 for
// the elements of a top-level array), without reflection: `list --json`
// writes tens of thousands of these.
func (t Listing) AppendJSON(b []byte, depth int) []byte {
	in := strings.Repeat("  ", depth)
	// field starts a member: the comma ending the one before, the key.
	field := func(name string) {
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = append(b, in...)
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `": `...)
	}
	b = append(b, '{')
	field("id")
	b = appendJSONString(b, t.ID)
	field("name")
	b = appendOptional(b, t.Name)
	field("project")
	b = appendOptional(b, t.Project)
	field("pid")
	b = strconv.AppendInt(b, int64(t.PID), 10)
	field("pgid")
	b = strconv.AppendInt(b, int64(t.PGID), 10)
	field("command")
	if len(t.Command) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, '[')
		for i, arg := range t.Command {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n    "...)
			b = append(b, in...)
			b = appendJSONString(b, arg)
		}
		b = append(b, "\n  "...)
		b = append(b, in...)
		b = append(b, ']')
	}
	field("cwd")
	b = appendJSONString(b, t.Cwd)
	field("status")
	b = appendJSONString(b, string(t.Status))
	field("exit_code")
	if t.ExitCode == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*t.ExitCode), 10)
	}
	field("signal")
	b = appendOptional(b, t.Signal)
	field("started_at")
	b = appendTimestamp(b, t.StartedAt)
	field("finished_at")
	b = appendTimestamp(b, t.FinishedAt)
	field("log_path")
	b = appendJSONString(b, t.LogPath)
	field("origin")
	b = appendJSONString(b, t.OriginName())
	field("restart")
	b = appendJSONString(b, string(t.restartMode()))
	field("restarts")
	b = strconv.AppendInt(b, int64(t.Restarts), 10)
	field("next_restart_at")
	b = appendTimestamp(b, t.NextRestartAt)
	b = append(b, '\n')
	b = append(b, in...)
	return append(b, '}')
}

func appendOptional(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

func appendTimestamp(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping off,
// then as EscapeInvisible does: control characters escaped, invalid UTF-8
// as U+FFFD, U+2028 and U+2029 escaped for JavaScript's sake, and DEL, C1
// controls and format characters escaped for the terminal's.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || invisible(r):
			b = append(b, s[start:i]...)
			b = appendRuneEscape(b, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// invisible reports the runes JSON may carry raw but a terminal must not
// get raw: C1 controls and format characters (bidi overrides such as
// U+202E, zero-width ones). jq prints strings raw, so `ghost list --json |
// jq -r` would pass them on.
func invisible(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)
}

// appendRuneEscape writes r as \uXXXX, or as a surrogate pair above U+FFFF.
func appendRuneEscape(b []byte, r rune) []byte {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return appendRuneEscape(appendRuneEscape(b, hi), lo)
	}
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// EscapeInvisible rewrites JSON text so that DEL, C1 controls and format
// characters appear as \u escapes, never raw: for JSON that encoding/json
// wrote. Outside strings JSON holds only ASCII, so every such rune is
// inside a string, where the escape means the same.
func EscapeInvisible(b []byte) []byte {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != 0x7f && !invisible(r) {
			i += size
			continue
		}
		out := append([]byte(nil), b[:i]...)
		for ; i < len(b); i += size {
			r, size = utf8.DecodeRune(b[i:])
			if r == 0x7f || (invisible(r) && !(r == utf8.RuneError && size == 1)) {
				out = appendRuneEscape(out, r)
			} else {
				out = append(out, b[i:i+size]...)
			}
		}
		return out
	}
	return b
}
