package command

import (
	"errors"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"10s": 10 * time.Second, "500ms": 500 * time.Millisecond, "2m": 2 * time.Minute, "1m30s": 90 * time.Second,
		"5": 5 * time.Second, "0.5": 500 * time.Millisecond, "0": 0, "7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1s", "-5", "NaN", "Inf", "1e20", "xd", "-1d", "1e9w"} {
		if _, err := parseDuration(in); !errors.Is(err, errBadDuration) {
			t.Errorf("parseDuration(%q) err = %v, want errBadDuration", in, err)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"10s", "5", "7d", "NaN", "-1", "1e300", "2w", "1h2m3s4ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil && d < 0 {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
	})
}
