package tui

import (
	"context"
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
	u.message = ""
	u.renderStatus()
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
			} else {
				u.setMessage("%s", done)
			}
		})
	}()
}

func (u *UI) askStop() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if t.Status != task.Running {
		u.setError("%s is not running", t.ShortID())
		return
	}
	tk := *t
	u.ask("stop "+tk.ShortID()+" "+safe(orDash(tk.Name))+"?", func() {
		u.setMessage("stopping %s…", tk.ShortID())
		u.background("stopped "+tk.ShortID(), func(ctx context.Context) error {
			_, err := u.eng.Stop(ctx, tk, stopGrace)
			return err
		})
	})
}

func (u *UI) kill() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if err := u.eng.Signal(context.Background(), *t, syscall.SIGKILL); err != nil {
		u.setError("kill: %v", err)
		return
	}
	u.setMessage("sent SIGKILL to %s", t.ShortID())
}

func (u *UI) restart() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	tk := *t
	u.setMessage("restarting %s…", tk.ShortID())
	u.background("restarted "+tk.ShortID(), func(ctx context.Context) error {
		fresh, err := u.eng.Restart(ctx, tk, stopGrace, logs.DefaultPolicy)
		if err == nil {
			u.app.QueueUpdateDraw(func() { u.selectedID = fresh.ID; u.reload() })
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
		u.setMessage("removed %s", tk.ShortID())
		u.reload()
	})
}
