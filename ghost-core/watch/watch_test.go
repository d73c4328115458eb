package watch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// drain empties a pending wake-up, so the next one is caused by what the
// test does next.
func drain(w *Watcher) {
	select {
	case <-w.C:
	default:
	}
}

func waitWake(t *testing.T, w *Watcher, within time.Duration) bool {
	t.Helper()
	select {
	case <-w.C:
		return true
	case <-time.After(within):
		return false
	}
}

func TestWakesOnAChangeInTheDirectory(t *testing.T) {
	dir := t.TempDir()
	w := Dirs(time.Hour, dir) // no fallback poll within the test
	defer w.Close()
	drain(w)
	os.WriteFile(filepath.Join(dir, "x.log"), []byte("hi"), 0o600)
	if !waitWake(t, w, 10*time.Second) {
		t.Fatal("no wake-up after a file was written")
	}
	// A rename (how logs rotate) wakes it too: the directory is watched.
	drain(w)
	os.Rename(filepath.Join(dir, "x.log"), filepath.Join(dir, "x.log.1"))
	if !waitWake(t, w, 10*time.Second) {
		t.Fatal("no wake-up after a rename")
	}
}

func TestMatchingIgnoresOtherFiles(t *testing.T) {
	dir := t.TempDir()
	// The filter reports each path it is asked about and waits to be let
	// go: that orders the events without any timing.
	asked := make(chan string)
	release := make(chan struct{})
	w := Matching(time.Hour, func(p string) bool {
		asked <- filepath.Base(p)
		<-release
		return strings.HasSuffix(p, ".exit")
	}, dir)
	defer w.Close()
	drain(w)
	next := func() string {
		select {
		case name := <-asked:
			return name
		case <-time.After(10 * time.Second):
			t.Fatal("no event reached the filter")
			return ""
		}
	}
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("noise"), 0o600)
	os.WriteFile(filepath.Join(dir, "a.exit"), []byte("{}"), 0o600)
	// Every event of a.log comes first; once the filter is asked about
	// a.exit, the noise has been handled, and must not have woken anyone.
	for name := next(); name != "a.exit"; name = next() {
		release <- struct{}{}
	}
	select {
	case <-w.C:
		t.Fatal("woken by a file the filter rejects")
	default:
	}
	go func() {
		for {
			select {
			case release <- struct{}{}:
			case <-asked:
			case <-w.done:
				return
			}
		}
	}()
	if !waitWake(t, w, 10*time.Second) {
		t.Fatal("not woken by a matching file")
	}
}

func TestFallbackPollWakesWithoutEvents(t *testing.T) {
	w := Dirs(50*time.Millisecond, t.TempDir())
	defer w.Close()
	drain(w)
	if !waitWake(t, w, 10*time.Second) {
		t.Fatal("the fallback poll never woke")
	}
}
