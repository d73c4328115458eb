package tui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// showDetails opens the details view of the selected task.
func (u *UI) showDetails() {
	if u.selectedTask() == nil {
		return
	}
	u.renderDetails(func() {
		u.details.ScrollToBeginning()
		u.pages.ShowPage("details")
		u.app.SetFocus(u.details)
	})
}

// refreshDetails keeps an open details view up to date with its task.
func (u *UI) refreshDetails() {
	if name, _ := u.pages.GetFrontPage(); name == "details" {
		row, col := u.details.GetScrollOffset()
		u.renderDetails(func() { u.details.ScrollTo(row, col) })
	}
}

// renderDetails reads the selected task in full (environment included)
// off the event goroutine, as every read of the database, then lays it
// out and calls then.
func (u *UI) renderDetails(then func()) {
	t := u.selectedTask()
	if t == nil {
		return
	}
	id, listed := t.ID, *t
	var full task.Task
	u.background("", func(ctx context.Context) error {
		var err error
		if full, err = u.eng.Get(ctx, id); err != nil {
			return fmt.Errorf("reading task: %w", err)
		}
		return nil
	}, func() {
		// The row as the table shows it, so both agree until the next
		// reload; the rest from the full read.
		full.Status, full.ExitCode, full.Signal, full.FinishedAt = listed.Status, listed.ExitCode, listed.Signal, listed.FinishedAt
		m := u.measured(full)
		full.Usage, full.Ports = m.Usage, m.Ports
		u.details.SetText(detailsText(full, u.now()))
		then()
	})
}

func detailsText(t task.Task, now time.Time) string {
	var b strings.Builder
	for _, f := range t.Describe(now) {
		fmt.Fprintf(&b, "[::b]%-10s[::-] %s\n", f.Label, tview.Escape(safe(f.Value)))
	}
	keys := make([]string, 0, len(t.Env))
	for k := range t.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	line := func(k string) {
		fmt.Fprintf(&b, "  %s=%s\n", tview.Escape(safe(k)), tview.Escape(safe(engine.MaskEnv(k, t.Env[k]))))
	}
	if t.EnvGiven == nil {
		fmt.Fprintf(&b, "\n[::b]environment[::-] (%d variables; secrets masked; which were given is not recorded for this task)\n", len(t.Env))
		for _, k := range keys {
			line(k)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "\n[::b]given[::-] (--env, --env-file: %d; secrets masked)\n", len(t.EnvGiven))
	if len(t.EnvGiven) == 0 {
		b.WriteString("  none\n")
	}
	for _, k := range keys {
		if slices.Contains(t.EnvGiven, k) {
			line(k)
		}
	}
	fmt.Fprintf(&b, "\n[::b]inherited[::-] (from the shell that started it: %d; secrets masked)\n", len(t.Env)-len(t.EnvGiven))
	for _, k := range keys {
		if !slices.Contains(t.EnvGiven, k) {
			line(k)
		}
	}
	return b.String()
}

// safe makes untrusted text printable; tview.Escape is applied on top
// wherever a widget reads colour tags.
func safe(s string) string { return printable.String(s) }
