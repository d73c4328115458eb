package tui

import (
	"context"
	"fmt"
	"syscall"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

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
// to end; any write may wait for a busy database) off the event
// goroutine, then reports on the status line and reloads the table.
func (u *UI) background(done string, action func(ctx context.Context) error) {
	async(u, func(ctx context.Context) error { return action(ctx) }, func(err error) {
		if err != nil {
			u.setError("%v", err)
		} else {
			u.setMessage("%s", done)
		}
		u.reload()
	})
}

func (u *UI) askStop() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	if t.Status.Finished() {
		u.setError("%s is not running", t.ShortID())
		return
	}
	tk := *t
	u.ask("stop "+tk.ShortID()+" "+safe(orDash(tk.Name))+"?", func() {
		u.setMessage("stopping %s…", tk.ShortID())
		u.background("stopped "+tk.ShortID(), func(ctx context.Context) error {
			_, err := u.eng.Stop(ctx, tk.ID, engine.DefaultStopGrace)
			return err
		})
	})
}

func (u *UI) kill() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	id := t.ShortID()
	u.background("sent SIGKILL to "+id, func(ctx context.Context) error {
		if err := u.eng.Kill(ctx, t.ID, syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill: %w", err)
		}
		return nil
	})
}

func (u *UI) restart() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	tk := *t
	u.setMessage("restarting %s…", tk.ShortID())
	type restarted struct {
		id  string
		err error
	}
	async(u, func(ctx context.Context) restarted {
		// The same log policy resolution as `ghost restart`: the engine's.
		t, err := u.eng.Restart(ctx, tk.ID, engine.DefaultStopGrace)
		return restarted{t.ID, err}
	}, func(r restarted) {
		if r.err != nil {
			u.setError("restart: %v", r.err)
			return
		}
		u.selectedID = r.id
		u.setMessage("restarted %s as %s", tk.ShortID(), r.id[:8])
		u.reload()
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
		})
	})
}
