package monitor

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestSpecRoundTrip(t *testing.T) {
	for _, s := range []Spec{
		{},
		{ID: "id", DataDir: "/d", Name: "app/web", Project: "app", Command: []string{"sh", "-c", "echo \xff\x00"},
			Env: []string{"A=1", "B=\n"}, EnvGiven: []string{"B"}, Cwd: "/tmp", Log: logs.Policy{MaxSize: 10 << 20, MaxFiles: 5}, Origin: "mcp:claude-code",
			Restart: task.RestartPolicy{Mode: task.RestartOnFailure, MaxRestarts: -1, Delay: time.Second, DelayMax: time.Minute, MinUptime: 10 * time.Second}},
		{Command: []string{""}, Env: []string{}, Log: logs.Policy{MaxSize: -1, MaxFiles: -3}},
	} {
		var b bytes.Buffer
		if err := encodeSpec(&b, s); err != nil {
			t.Fatal(err)
		}
		got, err := decodeSpec(&b)
		if err != nil {
			t.Fatalf("decode(%+v): %v", s, err)
		}
		if !sameSpec(got, s) {
			t.Errorf("round trip: got %+v, want %+v", got, s)
		}
	}
}

func TestSpecRefusesDamage(t *testing.T) {
	var b bytes.Buffer
	encodeSpec(&b, Spec{ID: "id", Command: []string{"true"}})
	whole := b.Bytes()
	for n := 0; n < len(whole); n++ {
		if _, err := decodeSpec(bytes.NewReader(whole[:n])); !errors.Is(err, errBadSpec) {
			t.Fatalf("decoding the first %d of %d bytes: err = %v, want errBadSpec", n, len(whole), err)
		}
	}
	other := append([]byte{}, whole...)
	other[1] = 'X' // the format name
	if _, err := decodeSpec(bytes.NewReader(other)); !errors.Is(err, errBadSpec) {
		t.Errorf("another format: err = %v", err)
	}
}

func FuzzSpec(f *testing.F) {
	f.Add("id", "sh\x00-c\x00echo \xff", "A=1", int64(1<<20), 3)
	f.Fuzz(func(t *testing.T, id, command, env string, size int64, files int) {
		s := Spec{ID: id, Command: bytes2strings(command), Env: bytes2strings(env), Log: logs.Policy{MaxSize: size, MaxFiles: files}}
		var b bytes.Buffer
		encodeSpec(&b, s)
		got, err := decodeSpec(&b)
		if err != nil || !sameSpec(got, s) {
			t.Fatalf("round trip of %+v: %+v, %v", s, got, err)
		}
		decodeSpec(bytes.NewReader([]byte(command))) // arbitrary input: an error, never a panic
	})
}

func bytes2strings(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte{0}) {
		out = append(out, string(p))
	}
	return out
}

// sameSpec compares specs treating nil and empty lists alike: the wire
// does not tell them apart, and nothing downstream does either.
func sameSpec(a, b Spec) bool {
	norm := func(s Spec) Spec {
		if len(s.Command) == 0 {
			s.Command = nil
		}
		if len(s.Env) == 0 {
			s.Env = nil
		}
		if len(s.EnvGiven) == 0 {
			s.EnvGiven = nil
		}
		return s
	}
	return reflect.DeepEqual(norm(a), norm(b))
}
