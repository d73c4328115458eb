package engine

import (
	"slices"
	"testing"
)

func TestParseTTYSize(t *testing.T) {
	for in, want := range map[string]TTYSize{"80x24": {80, 24}, "132X50": {132, 50}, " 1x1 ": {1, 1}, "65535x65535": {65535, 65535}} {
		if got, err := ParseTTYSize(in); err != nil || got != want {
			t.Errorf("ParseTTYSize(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "80", "80x", "x24", "0x24", "80x0", "65536x1", "-1x5", "80x24x1", "axb"} {
		if _, err := ParseTTYSize(in); err == nil {
			t.Errorf("ParseTTYSize(%q) succeeded", in)
		}
	}
}

// A --tty task gets a TERM when it has none (or an empty one), and keeps
// its own otherwise.
func TestWithTerm(t *testing.T) {
	if got := withTerm([]string{"A=1", "TERM=screen"}); !slices.Equal(got, []string{"A=1", "TERM=screen"}) {
		t.Errorf("own TERM replaced: %q", got)
	}
	if got := withTerm([]string{"TERM=", "A=1"}); !slices.Equal(got, []string{"A=1", "TERM=xterm-256color"}) {
		t.Errorf("empty TERM: %q", got)
	}
	if got := withTerm(nil); !slices.Equal(got, []string{"TERM=xterm-256color"}) {
		t.Errorf("no TERM: %q", got)
	}
}
