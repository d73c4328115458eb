package command

import (
	"strings"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestLogUsage(t *testing.T) {
	usageCase(t, "ghost: log: invalid --tail -1", "log", "abc", "-n", "-1")
	usageCase(t, "ghost: log: give TASK arguments or --project, not both", "log", "-p", "shop", "a")
	usageCase(t, "ghost: log: missing TASK", "log")
	usageCase(t, `ghost: log: invalid --since "soon": want a duration ago`, "log", "abc", "--since", "soon")
	usageCase(t, `ghost: log: invalid --until "2026-13-01": want a duration ago`, "log", "abc", "--until", "2026-13-01")
	usageCase(t, "ghost: log: invalid --grep: error parsing regexp", "log", "abc", "--grep", "a(")
	usageCase(t, "ghost: log: -C, -A and -B need --grep", "log", "abc", "-A", "1")
	usageCase(t, "ghost: log: invalid --after-context -2", "log", "abc", "--grep", "x", "-A", "-2")
}

func TestLogTimes(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                       now.Add(-10 * time.Minute),
		"1d":                        now.Add(-24 * time.Hour),
		"90":                        now.Add(-90 * time.Second),
		"2026-11-26T09:00:00Z":      time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
		"2026-11-26T11:00:00+02:00": time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC),
	} {
		got, err := parseLogTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseLogTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got := stamp(time.Date(2026, 11, 26, 10, 30, 12, 345678901, time.FixedZone("x", 3600))); got != "2026-11-26T09:30:12.345Z " {
		t.Errorf("stamp = %q", got)
	}
	if got := stamp(time.Time{}); len(got) != len("2026-11-26T09:30:12.345Z ") || got[0] != '-' {
		t.Errorf("unknown time stamps as %q", got)
	}
}

func TestPrefixerLabelsAndColours(t *testing.T) {
	tasks := []task.Listing{{ID: "0123456789", Name: "shop/web"}, {ID: "abcdef0123"}, {ID: "x", Name: "a\x1b[2Jb"}}
	lines := func(terminal, colour bool) string {
		var b strings.Builder
		p := newPrefixer(&b, tasks, terminal, colour)
		for i := range tasks {
			p.line(i, []byte("out\tput \x1b]0;x\x07\r"))
		}
		p.w.Flush()
		return b.String()
	}
	// Not a terminal: names padded to a common width, lines byte for byte.
	want := "shop/web  | out\tput \x1b]0;x\x07\r\n" +
		"abcdef01  | out\tput \x1b]0;x\x07\r\n" +
		"a\\x1b[2Jb | out\tput \x1b]0;x\x07\r\n"
	if got := lines(false, false); got != want {
		t.Errorf("plain:\n%q\nwant\n%q", got, want)
	}
	// A terminal with NO_COLOR: lines made printable, tabs kept, a CR
	// before the newline dropped.
	got := lines(true, false)
	if !strings.HasPrefix(got, "shop/web  | out\tput \\x1b]0;x\\x07\n") || strings.Contains(got, "\x1b") {
		t.Errorf("terminal without colour:\n%q", got)
	}
	// In colour, each label has its own colour, the same from run to run.
	got = lines(true, true)
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		code, _, ok := strings.Cut(strings.TrimPrefix(l, "\x1b["), "m")
		if !strings.HasPrefix(l, "\x1b[") || !ok || seen[code] {
			t.Errorf("line %q: no colour of its own", l)
		}
		seen[code] = true
		if !strings.Contains(l, " |\x1b[0m out\t") {
			t.Errorf("line %q: the colour does not end after the label", l)
		}
	}
	if again := lines(true, true); again != got {
		t.Errorf("colours changed from one run to the next:\n%q\n%q", got, again)
	}
}
