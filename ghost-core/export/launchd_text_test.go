package export

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestTextEscapesAsEncodingXML holds text, written out so that the binary
// does not link encoding/xml, to what encoding/xml's EscapeText writes,
// for every character XML can hold.
func TestTextEscapesAsEncodingXML(t *testing.T) {
	for _, s := range []string{
		``, `plain`, `a "quoted" 'word'`, `<tag attr="x">&amp;</tag>`, "tab\there\nline\r\n",
		"caf\u00e9 \u65e5\u672c \U0001F600", "bad \xff\xfe utf-8", "\u2028\ufffd",
	} {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got := text(s); got != want.String() {
			t.Errorf("text(%q) = %q, want %q", s, got, want.String())
		}
	}
	if got := text("a\x00b\x1bc\ufffe\uffffd"); got != "abcd" {
		t.Errorf("characters XML cannot hold: got %q, want %q", got, "abcd")
	}
}
