package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// stopGrace is how long stop waits after SIGTERM before SIGKILL: the
// engine's default, the same as `ghost stop`'s.
const stopGrace = engine.DefaultStopGrace

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
// to end; any write may wait for a busy database) off the event
// goroutine, then reports on the status line. Every action that reads or
// writes the database goes through it.
// Then, on the event goroutine, it runs then when the action succeeded.
// Before Start (tests drive the UI without an event loop) all of it runs
// at once, in order.
func (u *UI) background(done string, action func(ctx context.Context) error, then ...func()) {
	report := func(err error) {
		if err != nil {
			u.setError("%v", err)
			return
		}
		if done != "" {
			u.setMessage("%s", done)
		}
		for _, f := range then {
			f()
		}
	}
	if !u.live {
		report(action(context.Background()))
		return
	}
	go func() {
		err := action(context.Background())
		u.app.QueueUpdateDraw(func() { report(err) })
	}()
}

// runningSelected is the selected task if it runs; else it says why not.
func (u *UI) runningSelected() (task.Task, bool) {
	t := u.selectedTask()
	if t == nil {
		return task.Task{}, false
	}
	if t.Status.Finished() {
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
			_, err := u.eng.Stop(ctx, tk.ID, stopGrace)
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
			return u.eng.Kill(ctx, tk.ID, syscall.SIGKILL)
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
	var fresh task.Task
	u.background("", func(ctx context.Context) error {
		// The log limits as `ghost restart` resolves them: the engine's,
		// from the environment.
		var err error
		fresh, err = u.eng.Restart(ctx, tk.ID, stopGrace)
		return err
	}, func() {
		u.selectedID = fresh.ID
		u.reload()
		u.setMessage("restarted %s as %s", tk.ShortID(), fresh.ShortID())
	})
}

func (u *UI) askRemove() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if !t.Status.Finished() {
		u.setError("%s is running: stop it first", t.ShortID())
		return
	}
	tk := *t
	u.ask("remove "+tk.ShortID()+" and its log?", func() {
		u.background("removed "+tk.ShortID(), func(ctx context.Context) error {
			if err := u.eng.Remove(ctx, tk.ID); err != nil {
				return fmt.Errorf("remove: %w", err)
			}
			return nil
		}, func() {
			// The selection goes to the next row, where the eye already is.
			if u.selectedID == tk.ID {
				at := u.selectedIndex()
				if at+1 < len(u.shown) {
					u.selectedID = u.shown[at+1].ID
				} else if at > 0 {
					u.selectedID = u.shown[at-1].ID
				}
			}
			u.reload()
		})
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
	id := t.ID
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
			pagerText(in, u.eng, id)
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
