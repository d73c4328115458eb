package manpage

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		`--name`:           `\-\-name`,
		`C:\dir`:           `C:\edir`,
		".start\n'quote":   "\\&.start\n\\&'quote",
		"mid.dle":          "mid.dle",
		"↑ ↓":              `\[u2191] \[u2193]`,
		"bell\x07 esc\x1b": "bell esc",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func sample(text string) *Page {
	p := New("demo", 1, "ghost 0.0.0", "User Commands")
	p.Section("name")
	p.Raw(`demo \- a page`)
	p.Section("description")
	p.Para(text)
	p.Item(Bold("-x"), "an option")
	p.Example("demo -x", ".hidden")
	return p
}

// TestUpdateKeepsDateOfUnchangedPage checks that regenerating a page whose
// text did not change leaves it as it is (its date too), and that -check
// tells a changed page from an unchanged one.
func TestUpdateKeepsDateOfUnchangedPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.1")
	if err := sample("one").Update(path, true); !errors.Is(err, ErrStale) {
		t.Fatalf("check of a missing page: %v, want ErrStale", err)
	}
	old := sample("one").Bytes("2001-02-03")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sample("one").Update(path, true); err != nil {
		t.Fatalf("check of an unchanged page with an old date: %v", err)
	}
	if err := sample("one").Update(path, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(old) {
		t.Errorf("regenerating an unchanged page rewrote it:\n%s", got)
	}
	if err := sample("two").Update(path, true); !errors.Is(err, ErrStale) {
		t.Fatalf("check of a changed page: %v, want ErrStale", err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	if err := sample("two").Update(path, false); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), `.TH DEMO 1 2023-11-14 "ghost 0.0.0" "User Commands"`) {
		t.Errorf("a changed page should carry SOURCE_DATE_EPOCH's date:\n%s", got)
	}
}

// TestLinesShortAndSafe checks the filling: no source line over 80 bytes
// (mandoc's style limit) and none that starts as a request would.
func TestLinesShortAndSafe(t *testing.T) {
	long := strings.Repeat("word ", 60) + ".dot 'quote"
	page := string(sample(long).Bytes("2001-02-03"))
	for _, l := range strings.Split(page, "\n") {
		if len(l) > 80 {
			t.Errorf("line of %d bytes: %q", len(l), l)
		}
		if strings.HasPrefix(l, "'") || (strings.HasPrefix(l, ".") && !isRequest(l)) {
			t.Errorf("text line starts as a request: %q", l)
		}
	}
	if strings.Contains(page, ".SH DESCRIPTION\n.PP") {
		t.Errorf("a paragraph right after a heading needs no .PP:\n%s", page)
	}
}

func isRequest(l string) bool {
	for _, r := range []string{`.\"`, ".TH ", ".SH ", ".SS ", ".PP", ".TP", ".RS", ".RE", ".nf", ".fi", ".br"} {
		if strings.HasPrefix(l, r) {
			return true
		}
	}
	return false
}

// TestMandocLint runs mandoc's linter on a sample page where mandoc exists.
func TestMandocLint(t *testing.T) {
	mandoc, err := exec.LookPath("mandoc")
	if err != nil {
		t.Skip("mandoc is not installed: `make lint` installs it where it can")
	}
	path := filepath.Join(t.TempDir(), "demo.1")
	if err := os.WriteFile(path, sample(strings.Repeat("filled text ", 30)+"↑ --flag").Bytes("2001-02-03"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mandoc, "-T", "lint", path).CombinedOutput(); err != nil {
		t.Errorf("mandoc -T lint: %v\n%s", err, out)
	}
}
