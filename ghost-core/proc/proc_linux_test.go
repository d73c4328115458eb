package proc

import "testing"

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "1234 (evil) name (x) Z 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 100 18446744073709551615"
	got, state, err := parseStat([]byte(line))
	if err != nil || got != 987654321 || state != 'Z' {
		t.Fatalf("got %d %q, %v", got, state, err)
	}
	for _, bad := range []string{"", "1234 (x", "1 (x) S 1 2", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber"} {
		if _, _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"))
	f.Add([]byte("2 (a) b) c) R 1 2 2 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStat(b) // must not panic
	})
}
