package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/task"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tasks.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newTask(id, name string, started time.Time) task.Task {
	return task.Task{Listing: task.Listing{ID: id, Name: name, Command: []string{"sleep", "1"}, Cwd: "/", StartedAt: started,
		LogPath: "/x/" + id + ".log", Status: task.Running}, Env: map[string]string{"A": "1"}}
}

// live are the states Reserve's name check looks at in these tests.
var live = []task.Status{task.Running}

// schemaVersion is the number of migrations: the version Open brings a
// database to.
func schemaVersion() int {
	steps, _ := migrations()
	return len(steps)
}

func never(task.Task) bool  { return false }
func always(task.Task) bool { return true }

// The last close checkpoints and empties the write-ahead log but keeps it
// and its index, private: the next short-lived ghost process neither
// creates them again nor re-reads a long log to rebuild the index.
func TestLastCloseKeepsAnEmptyLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 20 {
		id := strings.Repeat(string(rune('a'+i)), 8)
		if err := s.Reserve(ctx, newTask(id, "", time.Now()), live, never); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("before close: log %v, %v; want a non-empty log", fi, err)
	}
	s.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatalf("after the last close: %v", err)
		}
		// Windows has no mode bits: the files inherit the data
		// directory's private ACL (see datadir's tests).
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %04o, want 0600", suffix, fi.Mode().Perm())
		}
		if suffix == "-wal" && fi.Size() != 0 {
			t.Errorf("log holds %d bytes after the last close, want 0", fi.Size())
		}
	}
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if all, err := s.List(ctx, Filter{}); err != nil || len(all) != 20 {
		t.Errorf("after reopening: %d tasks, %v; want 20", len(all), err)
	}
}

func TestOpenCreatesPrivateFileAtCurrentVersion(t *testing.T) {
	s, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	var v int
	s.db.QueryRow("PRAGMA user_version").Scan(&v)
	if v != schemaVersion() || v < 2 {
		t.Errorf("user_version %d, want %d", v, schemaVersion())
	}
	var mode string
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
	// Opening again is a no-op, not a second migration.
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

func TestRowWithOnlyTheDesignColumnsIsValid(t *testing.T) {
	s, _ := openTemp(t)
	_, err := s.db.Exec(`INSERT INTO tasks (id, pid, command, status, started_at, log_path)
		VALUES ('11111111-1111-4111-8111-111111111111', 42, '["echo","hi"]', 'exited', 1700000000, '/tmp/x.log')`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(context.Background(), "11111111-1111-4111-8111-111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if got.PID != 42 || got.Command[1] != "hi" || got.Name != "" || got.Signal != "" || got.ExitCode != nil || got.Origin != "cli" {
		t.Errorf("got %+v", got)
	}
}

// An agent's task keeps its origin through the row, the full read and
// the listing (which reads the covering index alone).
func TestOriginIsKept(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	agent := newTask("22222222-2222-4222-8222-222222222222", "", time.Unix(1700000000, 0))
	agent.Origin = "mcp:claude-code"
	person := newTask("33333333-3333-4333-8333-333333333333", "", time.Unix(1700000001, 0))
	for _, tk := range []task.Task{agent, person} {
		if err := s.Reserve(ctx, tk, live, never); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(ctx, agent.ID)
	if err != nil || got.Origin != "mcp:claude-code" {
		t.Fatalf("Get: origin %q, %v", got.Origin, err)
	}
	list, err := s.List(ctx, Filter{Statuses: []task.Status{task.Running, task.Exited}})
	if err != nil || len(list) != 2 {
		t.Fatalf("List: %v, %v", list, err)
	}
	if list[0].Origin != "cli" || list[1].Origin != "mcp:claude-code" {
		t.Errorf("listed origins %q, %q; want cli, mcp:claude-code", list[0].Origin, list[1].Origin)
	}
}

func TestNewerDatabaseIsRefusedUntouched(t *testing.T) {
	_, path := openTemp(t)
	db, _ := sql.Open("sqlite3", path)
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	_, err := Open(context.Background(), path)
	var tooNew *TooNewError
	if !errors.As(err, &tooNew) || tooNew.Have != 99 {
		t.Fatalf("err = %v, want TooNewError{99}", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the newer database was modified")
	}
}

func TestCorruptDatabaseIsReportedAndLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	junk := bytes.Repeat([]byte("this is not sqlite "), 400)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(junk, after) {
		t.Error("the corrupt file was modified")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a -wal file was created next to the corrupt database")
	}
}

func TestReserveRefusesANameALiveTaskHolds(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Now()
	if err := s.Reserve(ctx, newTask("aaaaaaaa-0000-4000-8000-000000000001", "web", now), live, never); err != nil {
		t.Fatal(err)
	}
	err := s.Reserve(ctx, newTask("aaaaaaaa-0000-4000-8000-000000000002", "web", now), live, always)
	if !errors.Is(err, task.ErrNameTaken) {
		t.Fatalf("err = %v, want ErrNameTaken", err)
	}
	// A holder that is dead (its row not yet reconciled) does not block.
	if err := s.Reserve(ctx, newTask("aaaaaaaa-0000-4000-8000-000000000003", "web", now), live, never); err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	base := time.Unix(1_700_000_000, 0)
	for i, tk := range []task.Task{
		newTask("abc11111-0000-4000-8000-000000000000", "web", base),
		newTask("abc22222-0000-4000-8000-000000000000", "web", base.Add(time.Second)),
		newTask("def33333-0000-4000-8000-000000000000", "", base.Add(2*time.Second)),
	} {
		if err := s.Reserve(ctx, tk, live, never); err != nil {
			t.Fatal(i, err)
		}
	}
	for _, tc := range []struct {
		ref, want string
		err       error
	}{
		{"abc11111-0000-4000-8000-000000000000", "abc11111-0000-4000-8000-000000000000", nil},
		{"web", "abc22222-0000-4000-8000-000000000000", nil}, // the newest with the name
		{"abc1", "abc11111-0000-4000-8000-000000000000", nil},
		{"DEF", "def33333-0000-4000-8000-000000000000", nil},
		{"d", "def33333-0000-4000-8000-000000000000", nil},
		{"abc", "", &task.AmbiguousError{}},
		{"zzz", "", task.ErrNotFound},
		{"a*", "", task.ErrNotFound},
		{"", "", task.ErrNotFound},
	} {
		got, err := s.Resolve(ctx, tc.ref)
		switch want := tc.err.(type) {
		case nil:
			if err != nil || got.ID != tc.want {
				t.Errorf("Resolve(%q) = %s, %v; want %s", tc.ref, got.ID, err, tc.want)
			}
		case *task.AmbiguousError:
			var amb *task.AmbiguousError
			if !errors.As(err, &amb) || len(amb.Candidates) != 2 {
				t.Errorf("Resolve(%q) err = %v, want ambiguity between 2", tc.ref, err)
			}
			_ = want
		default:
			if !errors.Is(err, tc.err) {
				t.Errorf("Resolve(%q) err = %v, want %v", tc.ref, err, tc.err)
			}
		}
	}
}

// SetEnd changes a row only from the states it is given: the store
// applies the lifecycle's rules, it does not hold them.
func TestSetEndOnlyFromTheStatesGiven(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := "bbbbbbbb-0000-4000-8000-000000000000"
	s.Reserve(ctx, newTask(id, "", time.Now()), live, never)
	if ok, err := s.SetEnd(ctx, id, task.End{Status: task.Unknown}, []task.Status{task.Running}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	code := 3
	from := []task.Status{task.Running, task.Unknown}
	if ok, err := s.SetEnd(ctx, id, task.End{Status: task.Exited, ExitCode: &code, FinishedAt: time.Now()}, from); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := s.SetEnd(ctx, id, task.End{Status: task.Killed, Signal: "SIGKILL"}, from); ok {
		t.Error("a row in a state not given was changed")
	}
	got, _ := s.Get(ctx, id)
	if got.Status != task.Exited || *got.ExitCode != 3 || got.FinishedAt.IsZero() {
		t.Errorf("got %+v", got)
	}
}

// Many writers at once, each its own connection pool as separate ghost
// processes would be: none sees a busy error.
func TestConcurrentWritersNeverSeeBusy(t *testing.T) {
	_, path := openTemp(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), path)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			ctx := context.Background()
			id := "cccccccc-0000-4000-8000-" + string(rune('a'+i%26)) + "0000000000" + string(rune('a'+i/26))
			if err := s.Reserve(ctx, newTask(id, "", time.Now()), live, never); err != nil {
				errs <- err
				return
			}
			code := i
			if _, err := s.SetEnd(ctx, id, task.End{Status: task.Exited, ExitCode: &code, FinishedAt: time.Now()}, live); err != nil {
				errs <- err
			}
			if _, err := s.List(ctx, Filter{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Concurrent first opens of a fresh file all migrate it exactly once.
func TestConcurrentFirstOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), path)
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDataVersionChangesWhenAnotherConnectionWrites(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	v1, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.DataVersion(ctx); v != v1 {
		t.Fatalf("changed with no write: %d then %d", v1, v)
	}
	other, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Reserve(ctx, newTask("dddddddd-0000-4000-8000-000000000000", "", time.Now()), live, never)
	if v, _ := s.DataVersion(ctx); v == v1 {
		t.Fatal("unchanged after another connection wrote")
	}
}

// Commands and environments are bytes: invalid UTF-8 survives the trip.
func TestCommandBytesSurvive(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	tk := newTask("eeeeeeee-0000-4000-8000-000000000000", "", time.Now())
	tk.Command = []string{"printf", "\xff\xfe bad", "ok ✓", ""}
	tk.Env = map[string]string{"RAW": "\x80x", "OK": "fine"}
	if err := s.Reserve(ctx, tk, live, never); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Command, tk.Command) || got.Env["RAW"] != "\x80x" || got.Env["OK"] != "fine" {
		t.Errorf("got %q %q", got.Command, got.Env)
	}
	var raw string
	s.db.QueryRow(`SELECT command FROM tasks WHERE id = ?`, tk.ID).Scan(&raw)
	if !strings.HasPrefix(raw, `["printf",{"base64":`) {
		t.Errorf("stored as %s", raw)
	}
}

func FuzzDecodeList(f *testing.F) {
	f.Add(`["a","b"]`)
	f.Add(`[{"base64":"/w=="}]`)
	f.Add(`[1]`)
	f.Add(`{"base64":1}`)
	f.Fuzz(func(t *testing.T, s string) {
		list := decodeList(s)
		if list == nil {
			return
		}
		b, _ := json.Marshal(encodeList(list))
		if again := decodeList(string(b)); !slices.Equal(again, list) {
			t.Fatalf("round trip of %q: %q then %q", s, list, again)
		}
	})
}

func TestPlainListAgreesWithJSON(t *testing.T) {
	// accept says whether the fast path must take the input itself: a
	// fast path that always declines would agree with JSON trivially.
	for in, accept := range map[string]bool{
		`[]`: true, `["a"]`: true, `["sh","-c","echo hi"]`: true, `["日本"]`: true, `[ "a" , "b" ]`: true,
		` [ "a" , "b" ] `: false, `["a",]`: false, `["a" "b"]`: false, `["a\"b"]`: false, `[1]`: false, `[`: false,
	} {
		got, ok := plainList(in)
		var want []string
		err := json.Unmarshal([]byte(in), &want)
		if ok && (err != nil || !slices.Equal(got, want)) {
			t.Errorf("plainList(%q) = %q, json says %q, %v", in, got, want, err)
		}
		if ok != accept {
			t.Errorf("plainList(%q) accepted %v, want %v", in, ok, accept)
		}
	}
}

func FuzzPlainList(f *testing.F) {
	f.Add(`["a","b"]`)
	f.Add(`[ "x" ,"y"]`)
	f.Add(`["a",]`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := plainList(s)
		var want []string
		err := json.Unmarshal([]byte(s), &want)
		if !ok {
			// What ghost itself writes (compact, nothing escaped) is the
			// case the fast path exists for: it must not decline it.
			if b, merr := json.Marshal(want); err == nil && merr == nil && string(b) == s && !strings.Contains(s, `\`) {
				t.Fatalf("plainList(%q) declined a plain list", s)
			}
			return
		}
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("plainList(%q) = %q, json: %q %v", s, got, want, err)
		}
	})
}

// Listings walk the covering index alone: the table's pages hold the
// environments, a few KiB a task, and reading them made a long list slow.
func TestListingsNeverReadTheTable(t *testing.T) {
	s, _ := openTemp(t)
	for _, f := range []Filter{{}, {Limit: 5}, {Statuses: []task.Status{task.Exited, task.Killed, task.Unknown}}, {Project: "app"},
		{Project: "app", Statuses: []task.Status{task.Exited}}} {
		for _, cols := range []string{listing, "id"} {
			q, args := listQuery(f, cols)
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = a.Value
			}
			rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, vals...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan = append(plan, detail)
			}
			rows.Close()
			if !slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "USING COVERING INDEX idx_tasks_list") }) {
				t.Errorf("%+v: plan %q does not walk the covering index alone", f, plan)
			}
			if slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "TEMP B-TREE") }) {
				t.Errorf("%+v: plan %q sorts instead of walking the index in order", f, plan)
			}
		}
	}
}

func TestEachStreamsInOrderAndStopsOnError(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	base := time.Unix(1_700_000_000, 0)
	// Ids run against insertion order, so an order by id cannot pass.
	for i, id := range []string{"d1", "c2", "b3", "a4"} {
		started := base.Add(time.Duration(i/2) * time.Second) // two pairs started in the same second
		if err := s.Reserve(ctx, newTask(id, "", started), live, never); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	if err := s.Each(ctx, Filter{}, func(tk task.Listing) error { seen = append(seen, tk.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a4", "b3", "c2", "d1"}; !slices.Equal(seen, want) {
		t.Errorf("order %v, want %v (newest first, the later insert first within a second)", seen, want)
	}
	stop := errors.New("enough")
	seen = nil
	err := s.Each(ctx, Filter{}, func(tk task.Listing) error {
		seen = append(seen, tk.ID)
		if len(seen) == 2 {
			return stop
		}
		return nil
	})
	if err != stop || len(seen) != 2 {
		t.Errorf("after fn failed: err %v, %d tasks given; want fn's own error after 2", err, len(seen))
	}
}

func TestConnectionsReadThroughAMap(t *testing.T) {
	s, _ := openTemp(t)
	var size int64
	if err := s.db.QueryRow("PRAGMA mmap_size").Scan(&size); err != nil || size != mmapSize {
		t.Errorf("mmap_size %d (%v), want %d", size, err, mmapSize)
	}
}

// Live gives each live task with its process identity, which a
// caller needs to tell whether it still runs; listings leave it out.
func TestLiveCarriesTheIdentity(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	tk := newTask("r1", "", time.Now())
	tk.BootID, tk.MonitorPID, tk.MonitorStart = "boot", 42, 4242
	if err := s.Reserve(ctx, tk, live, never); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetStarted(ctx, "r1", 77, 77, 7777, time.Now(), live); err != nil {
		t.Fatal(err)
	}
	running, err := s.Live(ctx, live)
	if err != nil || len(running) != 1 {
		t.Fatalf("Live: %v, %v", running, err)
	}
	if r := running[0]; r.PID != 77 || r.ProcStart != 7777 || r.BootID != "boot" || r.MonitorPID != 42 || r.MonitorStart != 4242 {
		t.Errorf("identity lost: %+v", r)
	}
	listed, _ := s.List(ctx, Filter{})
	if len(listed) != 1 || listed[0].PID != 77 || listed[0].Status != task.Running {
		t.Errorf("listing: %+v", listed)
	}
}

// A task keeps the project it was reserved with, and a listing by project
// keeps only that project's tasks, whatever their state.
func TestProjectIsKeptAndFiltered(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	base := time.Unix(1_700_000_000, 0)
	for i, tk := range []task.Task{newTask("a1", "app/web", base), newTask("b2", "lone", base), newTask("c3", "app/worker", base), newTask("d4", "other/web", base)} {
		tk.StartedAt = base.Add(time.Duration(i) * time.Second)
		if tk.Name != "lone" {
			tk.Project, _, _ = strings.Cut(tk.Name, "/")
		}
		if err := s.Reserve(ctx, tk, live, never); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetEnd(ctx, "a1", task.End{Status: task.Exited, ExitCode: new(int)}, live); err != nil {
		t.Fatal(err)
	}
	ids := func(f Filter) []string {
		tasks, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tk := range tasks {
			out = append(out, tk.ID+":"+tk.Project)
		}
		return out
	}
	if got, want := ids(Filter{Project: "app"}), []string{"c3:app", "a1:app"}; !slices.Equal(got, want) {
		t.Errorf("project app: %v, want %v", got, want)
	}
	if got, want := ids(Filter{Project: "app", Statuses: []task.Status{task.Running}}), []string{"c3:app"}; !slices.Equal(got, want) {
		t.Errorf("running in app: %v, want %v", got, want)
	}
	if got, want := ids(Filter{}), []string{"d4:other", "c3:app", "b2:", "a1:app"}; !slices.Equal(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	if got, err := s.Get(ctx, "c3"); err != nil || got.Project != "app" {
		t.Errorf("Get: project %q, %v", got.Project, err)
	}
}

// A symlink at tasks.db is reported as one, not as a corrupt database,
// and neither it nor its target is touched.
func TestSymlinkedDatabaseIsReportedAsASymlink(t *testing.T) {
	if underWine() {
		t.Skip("wine opens through a Unix symlink where Windows refuses a reparse point; checked on Windows by CI")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.db")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tasks.db")
	if err := os.Symlink(target, path); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("symlinks need a privilege on Windows: %v", err)
		}
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrSymlink) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrSymlink", err)
	}
	if fi, _ := os.Stat(target); fi.Size() != 0 {
		t.Error("the symlink's target was written")
	}
}

// A warning noted while a task ran survives its end, whether the end
// carries no warning (a monitor image that did not see it), the same one,
// or another.
func TestFinishKeepsTheWarningNotedWhileRunning(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	code := 0
	for name, tc := range map[string]struct{ end, want string }{
		"none":    {"", "deleted"},
		"same":    {"deleted", "deleted"},
		"another": {"output lost: x", "deleted; output lost: x"},
	} {
		id := "0000000" + string(rune('a'+len(name))) + "-" + name
		if err := s.Reserve(ctx, newTask(id, "", time.Now()), live, never); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLogError(ctx, id, "deleted"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetEnd(ctx, id, task.End{Status: task.Exited, ExitCode: &code, LogError: tc.end}, live); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, id)
		if err != nil || got.LogError != tc.want {
			t.Errorf("%s: log error %q (%v), want %q", name, got.LogError, err, tc.want)
		}
	}
}

// The names of the variables given for a task come back with it; a task
// recorded without them reads as not known (nil), not as none given.
func TestEnvGivenRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	never := func(task.Task) bool { return false }
	given := task.Task{Listing: task.Listing{ID: "given", Command: []string{"true"}, StartedAt: time.Unix(1, 0), LogPath: "/l", Status: task.Running},
		Env: map[string]string{"A": "1", "HOME": "/h"}, EnvGiven: []string{"A"}}
	old := task.Task{Listing: task.Listing{ID: "old", Command: []string{"true"}, StartedAt: time.Unix(2, 0), LogPath: "/l", Status: task.Running}}
	for _, tk := range []task.Task{given, old} {
		if err := s.Reserve(ctx, tk, live, never); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(ctx, "given")
	if err != nil || !slices.Equal(got.EnvGiven, []string{"A"}) {
		t.Errorf("given: %v, %v", got.EnvGiven, err)
	}
	if got, err := s.Get(ctx, "old"); err != nil || got.EnvGiven != nil {
		t.Errorf("old: %#v, %v", got.EnvGiven, err)
	}
}

// TestOrderSurvivesTheSeqMigration writes tasks started in the same second
// into a database of schema 9, as a ghost before migration 0010 did (no
// seq), and ids against insertion order: once migrated, listings still
// give the later insert first.
func TestOrderSurvivesTheSeqMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks.db")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range steps[:9] {
		if _, err := db.Exec(step); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec("PRAGMA user_version = 9"); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"d1", "c2", "b3", "a4", "e5"} {
		started := 1_700_000_000 + i/2 // pairs in one second, e5 alone
		if _, err := db.Exec(`INSERT INTO tasks (id, pid, command, env, cwd, status, started_at, log_path)
			VALUES (?, 0, '["true"]', '{}', '/', 'exited', ?, '')`, id, started); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var seen []string
	if err := s.Each(context.Background(), Filter{}, func(tk task.Listing) error { seen = append(seen, tk.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"e5", "a4", "b3", "c2", "d1"}; !slices.Equal(seen, want) {
		t.Errorf("order after migrating %v, want %v (newest first, the later insert first within a second)", seen, want)
	}
}
