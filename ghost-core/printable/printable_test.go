package printable

import (
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":          "plain text",
		"tab\there":           `tab\there`,
		"new\nline\r":         `new\nline\r`,
		"\x1b[2J":             `\x1b[2J`,
		"bell\a del\x7f":      `bell\x07 del\x7f`,
		"bad \xff utf8":       `bad \xff utf8`,
		"rtl \u202e override": `rtl \u202e override`,
		"isolate \u2066x":     `isolate \u2066x`,
		"c1 \u009b":           `c1 \u009b`,
		"日本語 ok":              "日本語 ok",
		"emoji 👍":             "emoji 👍",
		"zwsp\u200b":          `zwsp\u200b`,
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncateCountsCells(t *testing.T) {
	if got := Truncate("日本語日本語", 7); got != "日本語…" {
		t.Errorf("got %q", got)
	}
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
	if w := Width("日本"); w != 4 {
		t.Errorf("Width = %d", w)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{[]string{"sleep", "10"}, "sleep 10"},
		{[]string{"sh", "-c", "echo 'hi' > x"}, `sh -c 'echo '\''hi'\'' > x'`},
		{[]string{"echo", ""}, "echo ''"},
		{[]string{"printf", "a\x1bb"}, `printf 'a\x1bb'`},
	} {
		if got := Quote(tc.argv); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.argv, got, tc.want)
		}
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a\x1b[31m", "\xff\xfe", "\u202e", "日本", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unsafeRune(r) {
				t.Fatalf("String(%q) = %q still holds %U", s, out, r)
			}
		}
		if isPlain(s) && out != s {
			t.Fatalf("plain %q changed to %q", s, out)
		}
	})
}
