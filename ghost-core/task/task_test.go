package task

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/ghostproject/ghost/ghost-core/ports"
	"strings"
	"testing"
	"time"
)

func TestParseEnvPair(t *testing.T) {
	for in, want := range map[string][2]string{
		"A=1": {"A", "1"}, "A=": {"A", ""}, "A=b=c": {"A", "b=c"}, "WITH SPACE=x y": {"WITH SPACE", "x y"},
	} {
		k, v, err := ParseEnvPair(in)
		if err != nil || k != want[0] || v != want[1] {
			t.Errorf("ParseEnvPair(%q) = %q, %q, %v", in, k, v, err)
		}
	}
	for _, in := range []string{"", "A", "=x", "A=\x00", "A\x00=b"} {
		if _, _, err := ParseEnvPair(in); !errors.Is(err, ErrBadEnv) {
			t.Errorf("ParseEnvPair(%q) err = %v, want ErrBadEnv", in, err)
		}
	}
}

func FuzzParseEnvPair(f *testing.F) {
	for _, s := range []string{"A=1", "=", "A==", "", "K=\x00", "ü=ö"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, v, err := ParseEnvPair(s)
		if err != nil {
			return
		}
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) || k+"="+v != s {
			t.Fatalf("ParseEnvPair(%q) = %q, %q", s, k, v)
		}
	})
}

func TestJSONShape(t *testing.T) {
	code := 0
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as the CLI prints it
	tk := Task{Listing: Listing{ID: "x", Command: []string{"a<b"}, Status: Exited, ExitCode: &code,
		StartedAt: time.Unix(0, 0)}, Env: map[string]string{"SECRET": "s"}}
	err := enc.Encode(tk.JSON())
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"id", "name", "pid", "pgid", "command", "cwd", "status", "exit_code", "signal", "started_at", "finished_at", "log_path"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	if m["finished_at"] != nil || m["name"] != nil || m["signal"] != nil {
		t.Errorf("unknowns are not null: %s", b)
	}
	if m["started_at"] != "1970-01-01T00:00:00Z" {
		t.Errorf("started_at = %v", m["started_at"])
	}
	if strings.Contains(string(b), "SECRET") || strings.Contains(string(b), `\u003c`) {
		t.Errorf("bad JSON: %s", b)
	}
}

func TestParseEnvFile(t *testing.T) {
	in := `# a comment

PLAIN=value
export EXPORTED=yes
SPACED = padded  
SINGLE='literal $HOME \n'
DOUBLE="line\nbreak \"quoted\""
INLINE=value # comment
HASH=a#b
EMPTY=
QUOTED_COMMENT="x" # fine
`
	got, err := ParseEnvFile(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{"PLAIN", "value"}, {"EXPORTED", "yes"}, {"SPACED", "padded"}, {"SINGLE", `literal $HOME \n`},
		{"DOUBLE", "line\nbreak \"quoted\""}, {"INLINE", "value"}, {"HASH", "a#b"}, {"EMPTY", ""}, {"QUOTED_COMMENT", "x"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d = %q, want %q", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"NOVALUE", "=x", `A="open`, "A='open", `A="x" y`, "BAD KEY=1"} {
		_, err := ParseEnvFile(strings.NewReader("OK=1\n" + bad + "\n"))
		var fe *EnvFileError
		if !errors.As(err, &fe) || fe.Line != 2 {
			t.Errorf("ParseEnvFile(%q) err = %v, want an error on line 2", bad, err)
		}
	}
}

func FuzzParseEnvFile(f *testing.F) {
	for _, s := range []string{"A=1\n# c\nexport B='x'\nC=\"y\\n\"\n", "A", "=", "A=\"", "A='\n", "\x00=\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs, err := ParseEnvFile(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range pairs {
			if p[0] == "" || strings.ContainsAny(p[0], "=\x00") || strings.ContainsRune(p[1], 0) {
				t.Fatalf("bad pair %q from %q", p, s)
			}
		}
	})
}

func TestFormatRuntime(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-5 * time.Second:                "-5s",
		0:                               "0s",
		42 * time.Second:                "42s",
		3*time.Minute + 5*time.Second:   "3m05s",
		2*time.Hour + 7*time.Minute:     "2h07m",
		4*24*time.Hour + 3*time.Hour:    "4d03h",
		400*24*time.Hour + 23*time.Hour: "400d23h",
		59*time.Minute + 59*time.Second: "59m59s",
		23*time.Hour + 59*time.Minute + 59*time.Second: "23h59m",
	} {
		if got := FormatRuntime(d); got != want {
			t.Errorf("FormatRuntime(%v) = %q, want %q", d, got, want)
		}
	}
}

// Cells is the one row formatter of every task table.
func TestCells(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.Local)
	code := 2
	c := Listing{ID: "0123456789abcdef", Status: Exited, ExitCode: &code, PID: 42,
		Command: []string{"sh", "-c", "a b"}, StartedAt: now.Add(-90 * time.Second), FinishedAt: now}.Cells(now)
	want := [len(Columns)]string{"01234567", "-", "exited", "2", "42", now.Add(-90 * time.Second).Format("15:04:05"), "1m30s", "sh -c 'a b'"}
	if c != want {
		t.Errorf("cells %q, want %q", c, want)
	}
	old := Listing{StartedAt: now.AddDate(0, 0, -3), Status: Running}.Cells(now)
	if old[ColStarted] != now.AddDate(0, 0, -3).Format("2006-01-02 15:04") || old[ColPID] != "-" || old[ColExit] != "-" {
		t.Errorf("older task: %q", old)
	}
}

func TestUsageTexts(t *testing.T) {
	tk := Task{Listing: Listing{Status: Running}, Usage: &Usage{CPUPercent: 12.345, RSSBytes: 13 << 20},
		Ports: []ports.Port{{Protocol: "tcp", Address: "0.0.0.0", Port: 8080}, {Protocol: "tcp", Address: "::", Port: 8080}, {Protocol: "udp", Address: "0.0.0.0", Port: 5353}}}
	if got := tk.CPUText() + " " + tk.MemText() + " " + tk.PortsText(); got != "12.3 13.0M 8080,5353/udp" {
		t.Errorf("texts %q", got)
	}
	tk.Status = Exited
	if got := tk.CPUText() + tk.MemText(); got != "--" {
		t.Errorf("finished: %q", got)
	}
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 4096: "4.0K", 150 << 20: "150M", 3 << 30: "3.0G"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
