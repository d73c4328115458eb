package procfile

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := "# the app\n\nweb: python3 -m http.server $PORT\r\nworker:bundle exec sidekiq -q a:b\n  css_watch-2 :  npm run css  \n"
	got, err := Parse(strings.NewReader(in), "Procfile")
	if err != nil {
		t.Fatal(err)
	}
	want := []Service{
		{Name: "web", Command: "python3 -m http.server $PORT", Line: 3},
		{Name: "worker", Command: "bundle exec sidekiq -q a:b", Line: 4},
		{Name: "css_watch-2", Command: "npm run css", Line: 5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("service %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		reason   error
		msg      string
	}{
		{"missing colon", "web: a\nworker b\n", ErrNoColon, `Procfile:2: want "name: command"`},
		{"duplicate", "web: a\n# c\nweb: b\n", ErrDuplicate, `Procfile:3: duplicate service "web" (first on line 1)`},
		{"empty command", "web: a\nworker:   \n", ErrEmptyCommand, `Procfile:2: empty command for service "worker"`},
		{"bad name", "we b: a\n", ErrBadName, `Procfile:1: invalid service name "we b": use letters, digits, '-' and '_'`},
		{"dotted name", "web.1: a\n", ErrBadName, `Procfile:1: invalid service name "web.1": use letters, digits, '-' and '_'`},
		{"no name", ": a\n", ErrBadName, `Procfile:1: invalid service name: a line needs a name before ':'`},
		{"empty file", "# nothing\n\n", ErrNoServices, `Procfile: no services`},
		{"NUL", "web: a\x00b\n", nil, `Procfile:1: command of service "web" holds a NUL byte`},
		{"long line", "web: " + strings.Repeat("x", maxLine) + "\n", nil, "Procfile:1: line longer than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in), "Procfile")
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, %v; want a *SyntaxError", got, err)
			}
			if got != nil {
				t.Errorf("services returned with an error: %+v", got)
			}
			if tc.reason != nil && !errors.Is(err, tc.reason) {
				t.Errorf("error %v is not %v", err, tc.reason)
			}
			if err.Error() != tc.msg {
				t.Errorf("message %q, want %q", err.Error(), tc.msg)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{"web": true, "Web_2-a": true, "": false, "a/b": false, "a.b": false, "é": false} {
		if ValidName(name) != want {
			t.Errorf("ValidName(%q) = %v", name, !want)
		}
	}
}
