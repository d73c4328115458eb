package task

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// encodingJSON is how list --json printed tasks before AppendJSON: the
// reference AppendJSON must match byte for byte.
func encodingJSON(t *testing.T, tasks []Listing) []byte {
	t.Helper()
	views := make([]JSONTask, len(tasks))
	for i, tk := range tasks {
		views[i] = tk.JSON()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(views); err != nil {
		t.Fatal(err)
	}
	return EscapeInvisible(b.Bytes())
}

func appendJSONArray(tasks []Listing) []byte {
	if len(tasks) == 0 {
		return []byte("[]\n")
	}
	b := []byte("[")
	for i, tk := range tasks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = tk.AppendJSON(b, 1)
	}
	return append(b, "\n]\n"...)
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	code := 3
	zero := 0
	tasks := []Listing{
		{},
		{ID: "a", Command: []string{}},
		{ID: "b", Name: "app/web", Project: "app", PID: 12, PGID: 12, Command: []string{"sh", "-c", "a < b && c > d"}, Cwd: "/tmp",
			Status: Exited, ExitCode: &code, StartedAt: time.Unix(1700000000, 0), FinishedAt: time.Unix(1700000060, 5),
			LogPath: "/l/b.log"},
		{ID: "c", Command: []string{"\x00\x01\b\f\n\r\t\"\\\x7f\xff\u2028\u2029é日本"}, Status: Killed, Signal: "SIGTERM", ExitCode: &zero},
		{ID: "d", Name: "n\u202eame\u0085\u200b\U000e0041", Command: []string{"echo", "\u2066x\ufeff"}},
	}
	for n := 0; n <= len(tasks); n++ {
		want, got := encodingJSON(t, tasks[:n]), appendJSONArray(tasks[:n])
		if !bytes.Equal(got, want) {
			t.Errorf("%d tasks:\ngot  %s\nwant %s", n, got, want)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("id", "name", "sh\x00-c\x00echo \xff\u2028", "/cwd", int64(1700000000), 7, "SIGKILL")
	f.Fuzz(func(t *testing.T, id, name, command, cwd string, started int64, code int, signal string) {
		var argv []string
		for _, a := range bytes.Split([]byte(command), []byte{0}) {
			argv = append(argv, string(a))
		}
		tk := Listing{ID: id, Name: name, Command: argv, Cwd: cwd, Status: Status(signal), ExitCode: &code,
			Signal: signal, StartedAt: time.Unix(started%(1<<40), 0), LogPath: cwd + id}
		want, got := encodingJSON(t, []Listing{tk, {}}), appendJSONArray([]Listing{tk, {}})
		if !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}

// Bidi overrides, C1 controls, zero-width and tag characters are legal
// JSON raw, but jq -r would print them raw: they are escaped.
func TestJSONEscapesInvisibleRunes(t *testing.T) {
	tk := Listing{ID: "x", Name: "n\u202eame\u0085", Command: []string{"\u2066x\u200b\U000e0041\x7f"}, Cwd: "/\ufeff"}
	for _, out := range [][]byte{tk.AppendJSON(nil, 0), EscapeInvisible(must(json.Marshal(tk.JSON())))} {
		for _, raw := range []string{"\u202e", "\u0085", "\u2066", "\u200b", "\U000e0041", "\ufeff", "\x7f"} {
			if bytes.Contains(out, []byte(raw)) {
				t.Errorf("%q raw in %s", raw, out)
			}
		}
		for _, esc := range []string{`\u202e`, `\u0085`, `\u2066`, `\u200b`, `\udb40\udc41`, `\ufeff`, `\u007f`} {
			if !bytes.Contains(out, []byte(esc)) {
				t.Errorf("%s missing from %s", esc, out)
			}
		}
		var back JSONTask
		if err := json.Unmarshal(out, &back); err != nil || *back.Name != tk.Name || back.Command[0] != tk.Command[0] {
			t.Errorf("does not read back: %v %+v", err, back)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
