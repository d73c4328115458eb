package monitor

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestResolveLikeAShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix rules (mode bits, no extensions); TestResolveThroughPathExt covers Windows")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o700)
	os.WriteFile(filepath.Join(bin, "tool"), []byte("#!/bin/sh\n"), 0o700)
	os.WriteFile(filepath.Join(bin, "data"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(bin, "adir"), 0o700)

	for _, tc := range []struct {
		argv0, path string
		want        error
	}{
		{"tool", bin, nil},
		{"./bin/tool", "", nil},
		{"data", bin, ErrNotExecutable},
		{"./bin/data", "", ErrNotExecutable},
		{"adir", bin, ErrNotExecutable},
		{"missing", bin, ErrCommandNotFound},
		{"./missing", bin, ErrCommandNotFound},
		{"./bin/tool/x", bin, ErrCommandNotFound},
		{"", bin, ErrCommandNotFound},
		{"tool", "bin", nil}, // a relative PATH entry is taken from the task's cwd
	} {
		_, err := resolve(tc.argv0, dir, tc.path)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("resolve(%q, PATH=%q) = %v, want %v", tc.argv0, tc.path, err, tc.want)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	dir := t.TempDir()
	code := 7
	at := time.Unix(1_700_000_000, 123)
	if err := writeRecord(dir, "x", task.End{Status: task.Exited, ExitCode: &code, FinishedAt: at, LogError: "disk full"}); err != nil {
		t.Fatal(err)
	}
	// Windows has no mode bits: records inherit the data directory's ACL.
	fi, _ := os.Stat(RecordPath(dir, "x"))
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o", fi.Mode().Perm())
	}
	end, ok, err := ReadRecord(dir, "x")
	if err != nil || !ok || end.Status != task.Exited || *end.ExitCode != 7 || !end.FinishedAt.Equal(at) || end.LogError != "disk full" {
		t.Fatalf("got %+v %v %v", end, ok, err)
	}
	RemoveRecord(dir, "x")
	if _, ok, _ := ReadRecord(dir, "x"); ok {
		t.Error("record still there after RemoveRecord")
	}
}

func TestParseRecordRejectsInconsistentRecords(t *testing.T) {
	for _, bad := range []string{
		``, `{`, `[]`, `{"status":"running"}`, `{"status":"exited"}`, `{"status":"exited","exit_code":` + strconv.Itoa(maxExitCode+1) + `}`, `{"status":"exited","exit_code":-1}`,
		`{"status":"killed"}`, `{"status":"bogus","exit_code":1}`,
	} {
		if _, err := ParseRecord([]byte(bad)); !errors.Is(err, ErrBadRecord) {
			t.Errorf("ParseRecord(%q) err = %v, want ErrBadRecord", bad, err)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"status":"exited","exit_code":0,"finished_ns":1700000000000000000}`))
	f.Add([]byte(`{"status":"killed","signal":"SIGTERM","finished_ns":1}`))
	f.Add([]byte(`{"status":"unknown"}`))
	f.Add([]byte(`{"status":"exited","exit_code":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		end, err := ParseRecord(b)
		if err != nil {
			return
		}
		switch end.Status {
		case task.Exited:
			if end.ExitCode == nil {
				t.Fatal("exited without a code")
			}
		case task.Killed:
			if end.Signal == "" {
				t.Fatal("killed without a signal")
			}
		case task.Unknown:
		default:
			t.Fatalf("status %q", end.Status)
		}
	})
}

// The monitor's tuning wins over the caller's settings of the same names,
// which the Go runtime would otherwise read first.
func TestMonitorEnvReplacesTheCallersTuning(t *testing.T) {
	t.Setenv("GOMAXPROCS", "8")
	t.Setenv("GODEBUG", "gctrace=1")
	t.Setenv("KEEP_ME", "yes")
	env := monitorEnv()
	count := map[string]int{}
	for _, kv := range env {
		count[strings.SplitN(kv, "=", 2)[0]]++
	}
	for _, key := range []string{"GOMAXPROCS", "GODEBUG", "MALLOC_ARENA_MAX", markerEnv} {
		if count[key] != 1 {
			t.Errorf("%s set %d times in %v", key, count[key], env)
		}
	}
	if !slices.Contains(env, "GOMAXPROCS=1") || !slices.Contains(env, "KEEP_ME=yes") {
		t.Errorf("env %v lacks the tuning or the caller's own", env)
	}
}

// The exit record's room is taken at the start and the end is written
// over it: readers see no end until then, and a long warning is cut to
// fit rather than need more room.
func TestReservedRecordIsOverwrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	const id = "0123abcd-0000-4000-8000-000000000000"
	if err := reserveRecord(dir, id); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ReadRecord(dir, id); ok || err != nil {
		t.Fatalf("a reserved record read as an end: %v, %v", ok, err)
	}
	code := 3
	end := task.End{Status: task.Exited, ExitCode: &code, FinishedAt: time.Unix(1700000000, 0), LogError: strings.Repeat("w", 5000)}
	if err := writeRecord(dir, id, end); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(RecordPath(dir, id))
	if err != nil || fi.Size() != recordSize {
		t.Fatalf("record is %v bytes (%v), want the %d reserved", fi.Size(), err, recordSize)
	}
	got, ok, err := ReadRecord(dir, id)
	if !ok || err != nil || *got.ExitCode != 3 || !strings.HasPrefix(got.LogError, "www") {
		t.Fatalf("ReadRecord = %+v, %v, %v", got, ok, err)
	}
}
