package proc

import "testing"

func TestParseStartTime(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "1234 (evil) name (x) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 1000 100 18446744073709551615"
	got, err := parseStartTime([]byte(line))
	if err != nil || got != 987654321 {
		t.Fatalf("got %d, %v", got, err)
	}
	for _, bad := range []string{"", "1234 (x", "1 (x) S 1 2", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber"} {
		if _, err := parseStartTime([]byte(bad)); err == nil {
			t.Errorf("parseStartTime(%q) succeeded", bad)
		}
	}
}

func FuzzParseStartTime(f *testing.F) {
	f.Add([]byte("1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0"))
	f.Add([]byte("2 (a) b) c) R 1 2 2 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStartTime(b) // must not panic
	})
}
