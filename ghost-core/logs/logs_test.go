package logs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const id = "0123abcd-0000-4000-8000-000000000000"

func write(t *testing.T, w *Writer, s string) {
	t.Helper()
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, dir string, tail int) string {
	t.Helper()
	var b bytes.Buffer
	if err := Copy(&b, dir, id, tail); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestBytesAreKeptAsWritten(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, id, DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	raw := "bin\x00ary\r\n\xff\xfe\x1b[31mred\x1b[0m\nno newline at the end"
	write(t, w, raw)
	w.Close()
	if got := readAll(t, dir, -1); got != raw {
		t.Errorf("got %q, want %q", got, raw)
	}
	// Windows has no mode bits: log files inherit the data directory's
	// private ACL (see datadir's tests).
	fi, _ := os.Stat(Path(dir, id))
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
}

func TestCreateRefusesAPlantedSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need a privilege on Windows, and wine follows Unix ones; datadir.OpenFile refuses reparse points there")
	}
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(target, []byte("precious"), 0o600)
	if err := os.Symlink(target, Path(dir, id)); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(dir, id, DefaultPolicy); err == nil {
		t.Fatal("Create wrote through a symlink")
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("victim now holds %q", b)
	}
}

func TestRotationBoundsDiskUse(t *testing.T) {
	dir := t.TempDir()
	p := Policy{MaxSize: 1000, MaxFiles: 3}
	w, err := Create(dir, id, p)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for i := range 500 {
		line := fmt.Sprintf("line %04d %s\n", i, strings.Repeat("x", i%50))
		all.WriteString(line)
		write(t, w, line)
	}
	w.Close()
	files, _ := Files(dir, id)
	if len(files) != 3 {
		t.Fatalf("%d files kept, want 3: %v", len(files), files)
	}
	var total int64
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > p.MaxSize {
			t.Errorf("%s is %d bytes, over %d", f, fi.Size(), p.MaxSize)
		}
		total += fi.Size()
	}
	if total > p.MaxSize*int64(p.MaxFiles) {
		t.Errorf("%d bytes kept, over %d", total, p.MaxSize*int64(p.MaxFiles))
	}
	// What is kept is exactly the end of what was written, oldest file first.
	got := readAll(t, dir, -1)
	if !strings.HasSuffix(all.String(), got) || int64(len(got)) != total {
		t.Errorf("kept output is not the tail of the written output")
	}
}

// A writer adopted part way (a monitor handing its log to its next image)
// goes on where the first left off: same size accounting, same rotation,
// and what a reader gets is every byte once, in order.
func TestAdoptedWriterContinuesTheLog(t *testing.T) {
	dir := t.TempDir()
	p := Policy{MaxSize: 1000, MaxFiles: 4}
	w, err := Create(dir, id, p)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	line := func(i int) string { return fmt.Sprintf("line %04d %s\n", i, strings.Repeat("y", i%40)) }
	for i := range 60 { // past one rotation, part way into the next file
		all.WriteString(line(i))
		write(t, w, line(i))
	}
	w2, err := Adopt(dir, id, w.Policy(), w.File(), w.Index())
	if err != nil {
		t.Fatal(err)
	}
	for i := 60; i < 120; i++ {
		all.WriteString(line(i))
		write(t, w2, line(i))
	}
	w2.Close()
	files, _ := Files(dir, id)
	var got strings.Builder
	for _, f := range files { // oldest first
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) > p.MaxSize {
			t.Errorf("%s is %d bytes, over %d", f, len(b), p.MaxSize)
		}
		got.Write(b)
	}
	if len(files) != 4 || !strings.HasSuffix(all.String(), got.String()) || got.Len() < 3*int(p.MaxSize) {
		t.Errorf("%d files holding %d bytes; want 4 files ending the %d bytes written", len(files), got.Len(), all.Len())
	}
}

func TestOneFilePolicyKeepsOnlyTheCurrentFile(t *testing.T) {
	dir := t.TempDir()
	w, _ := Create(dir, id, Policy{MaxSize: 10, MaxFiles: 1})
	write(t, w, "0123456789abcdef\nnext\n")
	w.Close()
	// The rest of the cut line is a fragment, which reading leaves out.
	if got := readAll(t, dir, -1); got != "next\n" {
		t.Errorf("got %q", got)
	}
}

func TestTail(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		n             int
		want          string
	}{
		{"last two", "a\nb\nc\n", 2, "b\nc\n"},
		{"more than there are", "a\nb\n", 10, "a\nb\n"},
		{"no final newline", "a\nb\nc", 1, "c"},
		{"no final newline, two", "a\nb\nc", 2, "b\nc"},
		{"zero", "a\nb\n", 0, ""},
		{"empty lines count", "a\n\n\n", 2, "\n\n"},
		{"empty log", "", 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, _ := Create(dir, id, DefaultPolicy)
			write(t, w, tc.content)
			w.Close()
			if got := readAll(t, dir, tc.n); got != tc.want {
				t.Errorf("tail %d of %q = %q, want %q", tc.n, tc.content, got, tc.want)
			}
		})
	}
}

func TestTailAcrossRotatedFiles(t *testing.T) {
	dir := t.TempDir()
	w, _ := Create(dir, id, Policy{MaxSize: 8, MaxFiles: 10})
	for i := range 20 {
		write(t, w, fmt.Sprintf("l%02d\n", i)) // 4 bytes: two lines per file
	}
	w.Close()
	want := "l15\nl16\nl17\nl18\nl19\n"
	if got := readAll(t, dir, 5); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The answer comes from the end of the file: a big log costs no more than
// its last lines. Reading a sparse 1 GB file front to back would take far
// longer than the whole test is allowed here.
func TestTailOfHugeLogReadsOnlyTheEnd(t *testing.T) {
	dir := t.TempDir()
	f, err := os.OpenFile(Path(dir, id), os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.WriteAt([]byte("\nsecond to last\nlast\n"), 1<<30)
	f.Close()
	before, counted := bytesRead()
	if got := readAll(t, dir, 2); got != "second to last\nlast\n" {
		t.Errorf("got %q", got)
	}
	if !counted {
		t.Skip("the answer is right, but this system does not count bytes read (/proc/self/io), so how much was read is not checked")
	}
	// A reader reading from the start would read the whole GiB; other
	// tests of this process may read a little meanwhile.
	if after, _ := bytesRead(); after-before > 16<<20 {
		t.Errorf("reading the last 2 lines read %d MiB of a 1 GiB log", (after-before)>>20)
	}
}

// bytesRead is how many bytes this process has read so far (rchar of
// /proc/self/io), and whether the system says.
func bytesRead() (int64, bool) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// syncBuffer is a bytes.Buffer safe for a follower goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Several followers read while a writer rotates files under them many
// times: each gets every byte exactly once, in order.
func TestFollowersAcrossRotationsLoseAndRepeatNothing(t *testing.T) {
	if underWine() {
		// Seen under wine 8.0: a follower lost 4 KiB in 1 of 2 runs of
		// make test-windows, as the View tests above do there.
		t.Skip("wine renames files under open readers differently from Windows, so a follower can miss a rotation there; checked on Windows by CI")
	}
	dir := t.TempDir()
	// Enough files that nothing is dropped however far a follower lags:
	// this test is about rotations, of which there are over a hundred.
	w, err := Create(dir, id, Policy{MaxSize: 4096, MaxFiles: 200})
	if err != nil {
		t.Fatal(err)
	}
	var done sync.WaitGroup
	var mu sync.Mutex
	ended := false
	isEnded := func() bool { mu.Lock(); defer mu.Unlock(); return ended }
	const followers = 4
	outs := make([]*syncBuffer, followers)
	errs := make([]error, followers)
	wakes := make([]chan struct{}, followers)
	for i := range followers {
		outs[i] = &syncBuffer{}
		wakes[i] = make(chan struct{}, 1)
		done.Add(1)
		go func() {
			defer done.Done()
			errs[i] = Follow(context.Background(), outs[i], dir, id, -1, isEnded, wakes[i])
		}()
	}
	poke := func() {
		for _, c := range wakes {
			select {
			case c <- struct{}{}:
			default:
			}
		}
	}
	var want bytes.Buffer
	for i := range 20000 {
		line := fmt.Sprintf("%06d %s\n", i, strings.Repeat("y", i%40))
		want.WriteString(line)
		write(t, w, line)
		if i%100 == 0 {
			poke()
		}
	}
	w.Close()
	mu.Lock()
	ended = true
	mu.Unlock()
	poke()
	done.Wait()
	wantSum := sha256.Sum256(want.Bytes())
	for i := range followers {
		if errs[i] != nil {
			t.Errorf("follower %d: %v", i, errs[i])
		}
		if got := outs[i].String(); sha256.Sum256([]byte(got)) != wantSum {
			t.Errorf("follower %d got %d bytes, want %d, identical", i, len(got), want.Len())
		}
	}
}

func TestFollowStopsWithContext(t *testing.T) {
	dir := t.TempDir()
	w, _ := Create(dir, id, DefaultPolicy)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- Follow(ctx, &syncBuffer{}, dir, id, -1, func() bool { return false }, make(chan struct{}))
	}()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not return after cancel")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "512K": 512 << 10, "10M": 10 << 20, "1G": 1 << 30, "10mb": 10 << 20, "2KiB": 2048, "1t": 1 << 40,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1K", "K", "1.5M", "10X", "99999999999999999999", "9000000000000T"} {
		if _, err := ParseSize(in); !errors.Is(err, ErrBadSize) {
			t.Errorf("ParseSize(%q) err = %v, want ErrBadSize", in, err)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "512K", "10M", "1G", "1KiB", "", "-1", "1e9", "K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && n <= 0 {
			t.Errorf("ParseSize(%q) = %d with no error", s, n)
		}
	})
}
