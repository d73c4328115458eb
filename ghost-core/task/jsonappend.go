package task

import (
	"strconv"
	"strings"
	"time"
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

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// control characters escaped, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029 escaped for JavaScript's sake.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
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
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
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
