package task

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// EnvFileError reports the line of an environment file that could not be
// read.
type EnvFileError struct {
	Line int
	Err  error
}

func (e *EnvFileError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason.
func (e *EnvFileError) Unwrap() error { return e.Err }

// ParseEnvFile reads KEY=VALUE lines as .env files write them: blank lines
// and # comments are skipped, an "export " prefix is allowed, values may be
// 'single-quoted' (taken literally) or "double-quoted" (with \n, \t, \" and
// \\ escapes), and an unquoted value ends at " #". The pairs come back in
// file order.
func ParseEnvFile(r io.Reader) ([][2]string, error) {
	var out [][2]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return nil, &EnvFileError{n, ErrBadEnv}
		}
		val, err := envValue(strings.TrimSpace(v))
		if err != nil {
			return nil, &EnvFileError{n, err}
		}
		if strings.ContainsRune(k+val, 0) {
			return nil, &EnvFileError{n, fmt.Errorf("%w without NUL bytes", ErrBadEnv)}
		}
		out = append(out, [2]string{k, val})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func envValue(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.IndexByte(v[1:], '\'')
		if end < 0 {
			return "", fmt.Errorf("unterminated ' quote")
		}
		return v[1 : end+1], trailing(v[end+2:])
	case strings.HasPrefix(v, `"`):
		var b strings.Builder
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				return b.String(), trailing(v[i+1:])
			case c == '\\' && i+1 < len(v):
				i++
				switch v[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(v[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", fmt.Errorf(`unterminated " quote`)
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v), nil
}

// trailing accepts what may follow a quoted value: nothing or a comment.
func trailing(rest string) error {
	rest = strings.TrimSpace(rest)
	if rest == "" || strings.HasPrefix(rest, "#") {
		return nil
	}
	return fmt.Errorf("unexpected %q after the quoted value", rest)
}
