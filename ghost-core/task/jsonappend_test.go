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
	return b.Bytes()
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
