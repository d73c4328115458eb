// Package watch wakes a reader when something in a directory changes: a
// log grows, a task ends, the database is written. It watches the directory
// rather than files, because a watch on a file is lost when it is renamed,
// and falls back to a slow poll where the filesystem sends no events.
package watch

import (
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher delivers coalesced wake-ups on C.
type Watcher struct {
	// C receives a value after a change; several changes may share one.
	C      <-chan struct{}
	c      chan struct{}
	fsw    *fsnotify.Watcher
	done   chan struct{}
	filter func(name string) bool
}

// Dirs starts watching the given directories, waking at least every poll
// (for filesystems, such as network mounts, that send no events). It never
// fails: without inotify it polls.
func Dirs(poll time.Duration, dirs ...string) *Watcher {
	return Matching(poll, nil, dirs...)
}

// Matching is Dirs for changes to the files whose path filter accepts
// only: a waiter for a task's end must not wake for every write to every
// log, which on a busy machine steals the time of the tasks themselves.
func Matching(poll time.Duration, filter func(path string) bool, dirs ...string) *Watcher {
	c := make(chan struct{}, 1)
	w := &Watcher{C: c, c: c, done: make(chan struct{}), filter: filter}
	if fsw, err := fsnotify.NewWatcher(); err == nil {
		ok := true
		for _, d := range dirs {
			if fsw.Add(d) != nil {
				ok = false
			}
		}
		if ok {
			w.fsw = fsw
			go w.forward()
		} else {
			fsw.Close()
			poll = min(poll, 100*time.Millisecond)
		}
	}
	go w.tick(poll)
	return w
}

func (w *Watcher) wake() {
	select {
	case w.c <- struct{}{}:
	default: // a wake-up is already pending: coalesce
	}
}

func (w *Watcher) forward() {
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.filter == nil || w.filter(ev.Name) {
				w.wake()
			}
		case _, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.wake() // an overflow lost events: look anyway
		}
	}
}

func (w *Watcher) tick(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			w.wake()
		}
	}
}

// Close stops the watcher.
func (w *Watcher) Close() error {
	close(w.done)
	if w.fsw != nil {
		return w.fsw.Close()
	}
	return nil
}
