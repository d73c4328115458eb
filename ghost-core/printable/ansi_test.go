package printable

import "testing"

func TestStripANSI(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\r":                            "plain\ttext\r",
		"\x1b[0m\x1b[01;34mbin\x1b[0m  etc":        "bin  etc",
		"\x1b]0;title\x07after":                    "after",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"\x1b(Bx\x1b=yz ě":                         "xyz ě",
		"cut at the end \x1b[3":                    "cut at the end ",
		"\x1b":                                     "",
	} {
		if got := string(StripANSI([]byte(in))); got != want {
			t.Errorf("StripANSI(%q) = %q, want %q", in, got, want)
		}
	}
}
