package tui

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	_ "github.com/mattn/go-sqlite3"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// onUI runs f on the event goroutine and waits for it.
func onUI(t *testing.T, u *UI, f func()) {
	t.Helper()
	done := make(chan struct{})
	u.app.QueueUpdate(func() { f(); close(done) })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the event loop did not answer")
	}
}

// eventually polls cond on the event goroutine until it holds or the
// deadline passes: keys and updates travel on different channels, so no
// single round trip is a barrier.
func eventually(t *testing.T, u *UI, what string, cond func() bool) {
	t.Helper()
	defer func() {
		if t.Failed() {
			onUI(t, u, func() { t.Logf("status line: %q; tasks: %v", u.message, statuses(u.tasks)) })
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		onUI(t, u, func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The real event loop on a simulation screen: a task started elsewhere
// shows up without a key press, its output streams into the log pane,
// and keys stop it and quit.
func TestEventLoopLiveUpdatesAndKeys(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("runs sh and sleep, which Windows lacks; ghost-cli/testdata/windows drives tasks there")
	}
	u, screen := newTestUI(t)
	u.Start()
	defer u.Close()
	ran := make(chan error, 1)
	go func() { ran <- u.app.Run() }()

	wd, _ := os.Getwd()
	started, err := u.eng.Run(context.Background(), engine.Spec{
		Name: "live", Command: []string{"sh", "-c", "echo hello from live; exec sleep 300"},
		Cwd: wd, Env: os.Environ(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, u.eng, started)

	eventually(t, u, "the new task is listed", func() bool {
		return len(u.tasks) == len(fixtures)+1 && u.tasks[0].ID == started.ID
	})
	screen.InjectKey(tcell.KeyRune, 'g', tcell.ModNone)
	eventually(t, u, "the log pane shows its output", func() bool {
		return u.selectedID == started.ID && strings.Contains(u.log.text(), "hello from live")
	})
	screen.InjectKey(tcell.KeyRune, 's', tcell.ModNone)
	eventually(t, u, "stop asks", func() bool { return u.confirm != nil })
	screen.InjectKey(tcell.KeyRune, 'y', tcell.ModNone)
	eventually(t, u, "the task is shown killed", func() bool {
		tk := u.selectedTask()
		return tk != nil && tk.ID == started.ID && tk.Status == task.Killed
	})
	screen.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
}

// Resizing redraws at the new size without losing the selection.
func TestEventLoopResize(t *testing.T) {
	u, screen := newTestUI(t)
	ran := make(chan error, 1)
	go func() { ran <- u.app.Run() }()
	screen.InjectKey(tcell.KeyRune, 'j', tcell.ModNone)
	eventually(t, u, "j moved the selection", func() bool { return u.selectedID == fixtures[2].id })
	screen.SetSize(120, 40)
	screen.PostEvent(tcell.NewEventResize(120, 40))
	eventually(t, u, "the screen is redrawn at 120x40", func() bool {
		_, w, h := screen.GetContents()
		x, _, width, _ := u.table.GetRect()
		return w == 120 && h == 40 && x == 0 && width == 120
	})
	onUI(t, u, func() {
		if u.selectedID != fixtures[2].id {
			t.Errorf("selection lost on resize: %s", u.selectedID)
		}
	})
	u.app.Stop()
	<-ran
}

func statuses(ts []task.Task) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ShortID()+":"+string(t.Status))
	}
	return out
}

// An action that waits (here: remove, while another process holds the
// database's write lock) runs off the event goroutine: keys still work
// meanwhile, and the action completes once the lock goes.
func TestEventLoopStaysResponsiveWhileAnActionWaits(t *testing.T) {
	u, screen := newTestUI(t)
	u.Start()
	defer u.Close()
	ran := make(chan error, 1)
	go func() { ran <- u.app.Run() }()
	defer func() { u.app.Stop(); <-ran }()

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir(u), "tasks.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE tasks SET name = name`); err != nil {
		t.Fatal(err)
	}
	locked := true
	defer func() {
		if locked {
			tx.Rollback()
		}
	}()
	var id string
	onUI(t, u, func() { id = u.selectedID })
	screen.InjectKey(tcell.KeyRune, 'd', tcell.ModNone)
	eventually(t, u, "remove asks", func() bool { return u.confirm != nil })
	screen.InjectKey(tcell.KeyRune, 'y', tcell.ModNone)
	screen.InjectKey(tcell.KeyRune, '?', tcell.ModNone)
	eventually(t, u, "the help opens while the removal waits for the lock", func() bool {
		front, _ := u.pages.GetFrontPage()
		return front == "help"
	})
	tx.Rollback()
	locked = false
	eventually(t, u, "the task is removed once the lock is gone", func() bool {
		for _, tk := range u.tasks {
			if tk.ID == id {
				return false
			}
		}
		return true
	})
}
