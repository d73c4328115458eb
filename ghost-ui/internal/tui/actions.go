package tui

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// stopGrace is how long stop waits after SIGTERM before SIGKILL.
const stopGrace = 10 * time.Second

// confirmation is a question on the status line awaiting y or n.
type confirmation struct {
	question string
	yes      func()
}

func (u *UI) ask(question string, yes func()) {
	u.confirm = &confirmation{question: question, yes: yes}
	u.renderStatus()
}

func (u *UI) answer(yes bool) {
	c := u.confirm
	u.confirm = nil
	u.clearMessage()
	if yes {
		c.yes()
	}
}

// background runs an action that may take long (stop waits for the task
// to end) off the event goroutine, then reports on the status line.
func (u *UI) background(done string, action func(ctx context.Context) error) {
	go func() {
		err := action(context.Background())
		u.app.QueueUpdateDraw(func() {
			if err != nil {
				u.setError("%v", err)
			} else if done != "" {
				u.setMessage("%s", done)
			}
		})
	}()
}

// runningSelected is the selected task if it runs; else it says why not.
func (u *UI) runningSelected() (task.Task, bool) {
	t := u.selectedTask()
	if t == nil {
		return task.Task{}, false
	}
	if t.Status != task.Running {
		u.setError("%s is not running", t.ShortID())
		return task.Task{}, false
	}
	return *t, true
}

func (u *UI) askStop() {
	tk, ok := u.runningSelected()
	if !ok {
		return
	}
	u.ask("stop "+tk.ShortID()+" "+orDash(tk.Name)+"?", func() {
		u.setMessage("stopping %s…", tk.ShortID())
		u.background("stopped "+tk.ShortID(), func(ctx context.Context) error {
			_, err := u.eng.Stop(ctx, tk, stopGrace)
			return err
		})
	})
}

func (u *UI) askKill() {
	tk, ok := u.runningSelected()
	if !ok {
		return
	}
	u.ask("kill "+tk.ShortID()+" "+orDash(tk.Name)+" with SIGKILL, no time to clean up?", func() {
		u.background("sent SIGKILL to "+tk.ShortID(), func(ctx context.Context) error {
			return u.eng.Signal(ctx, tk, syscall.SIGKILL)
		})
	})
}

func (u *UI) restart() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	tk := *t
	u.setMessage("restarting %s…", tk.ShortID())
	u.background("", func(ctx context.Context) error {
		fresh, err := u.eng.Restart(ctx, tk, stopGrace, logs.DefaultPolicy)
		if err == nil {
			u.app.QueueUpdateDraw(func() {
				u.selectedID = fresh.ID
				u.reload()
				u.setMessage("restarted %s as %s", tk.ShortID(), fresh.ShortID())
			})
		}
		return err
	})
}

func (u *UI) askRemove() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if t.Status == task.Running {
		u.setError("%s is running: stop it first", t.ShortID())
		return
	}
	tk := *t
	u.ask("remove "+tk.ShortID()+" and its log?", func() {
		if err := u.eng.Remove(context.Background(), tk); err != nil {
			u.setError("remove: %v", err)
			return
		}
		// The selection goes to the next row, where the eye already is.
		at := u.selectedIndex()
		if at+1 < len(u.shown) {
			u.selectedID = u.shown[at+1].ID
		} else if at > 0 {
			u.selectedID = u.shown[at-1].ID
		}
		u.setMessage("removed %s", tk.ShortID())
		u.reload()
	})
}

// copyID puts the selected task's id on the clipboard with OSC 52, which
// the terminal handles, so it works over SSH and inside tmux (with
// set-clipboard on).
func (u *UI) copyID() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if u.screen == nil {
		u.setError("no terminal to copy to")
		return
	}
	u.screen.SetClipboard([]byte(t.ID))
	u.setMessage("copied %s to the clipboard", t.ID)
}

// openPager shows the whole log of the selected task in $PAGER (less by
// default), as the pane shows it: escape sequences out, control bytes
// visible. The screen is handed to the pager and taken back after.
func (u *UI) openPager() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	pager := os.Getenv("PAGER")
	if pager == "" {
		pager = "less"
	}
	dir, id := u.eng.Dir.LogDir(), t.ID
	var runErr error
	ok := u.app.Suspend(func() {
		cmd := exec.Command("/bin/sh", "-c", pager)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			runErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			runErr = err
			return
		}
		go func() {
			pagerText(in, dir, id)
			in.Close()
		}()
		runErr = cmd.Wait()
	})
	switch {
	case !ok:
		u.setError("cannot open the pager now")
	case runErr != nil:
		u.setError("pager %s: %v", pager, runErr)
	}
}
