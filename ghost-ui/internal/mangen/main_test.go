package main

import (
	"strings"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/manpage"
	"github.com/ghostproject/ghost/ghost-ui/internal/tui"
)

// TestEveryKey checks that the page lists every line of the help view.
func TestEveryKey(t *testing.T) {
	keys, err := parseKeys(tui.KeyHelp())
	if err != nil {
		t.Fatal(err)
	}
	// Compare with the page's words, as filling breaks lines anywhere.
	page := strings.Join(strings.Fields(string(page(keys).Bytes("2001-02-03"))), " ")
	lines := 0
	for _, l := range strings.Split(tui.KeyHelp(), "\n") {
		if strings.TrimSpace(l) != "" {
			lines++
		}
	}
	if len(keys) != lines {
		t.Errorf("%d keys read from %d help lines", len(keys), lines)
	}
	for _, k := range keys {
		if !strings.Contains(page, manpage.Escape(manpage.Sentence(k.does))) {
			t.Errorf("key %q: %q missing from the page", k.keys, k.does)
		}
	}
}

func TestParseKeysRefusesOddLine(t *testing.T) {
	if _, err := parseKeys("  q   quit\n  x quit too\n"); err == nil {
		t.Error("a line without the three-space gap was accepted")
	}
}
