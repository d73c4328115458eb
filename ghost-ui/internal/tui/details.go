package tui

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// secretKey matches environment variable names whose values are masked
// in the details view: someone may be looking over your shoulder.
var secretKey = regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSW|PWD|KEY|CREDENTIAL|AUTH|PRIVATE|SESSION|COOKIE|SIGNATURE|DSN|CERT)`)

// maskedValue is shown in place of a secret.
const maskedValue = "********"

// showDetails opens the details view of the selected task.
func (u *UI) showDetails() {
	t := u.selectedTask()
	if t == nil {
		return
	}
	id := t.ID
	type read struct {
		t   task.Task
		err error
	}
	async(u, func(ctx context.Context) read {
		full, err := u.eng.Get(ctx, id) // reconciled, as every reader
		return read{full, err}
	}, func(r read) {
		if r.err != nil {
			u.setError("reading task: %v", r.err)
			return
		}
		u.details.SetText(detailsText(r.t, u.now())).ScrollToBeginning()
		u.pages.ShowPage("details")
		u.app.SetFocus(u.details)
	})
}

func detailsText(t task.Task, now time.Time) string {
	var b strings.Builder
	for _, f := range t.Describe(now) {
		fmt.Fprintf(&b, "[::b]%-10s[::-] %s\n", f.Label, tview.Escape(safe(f.Value)))
	}
	fmt.Fprintf(&b, "\n[::b]environment[::-] (%d variables; secret-looking values masked)\n", len(t.Env))
	keys := make([]string, 0, len(t.Env))
	for k := range t.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s=%s\n", tview.Escape(safe(k)), tview.Escape(safe(maskEnv(k, t.Env[k]))))
	}
	return b.String()
}

// maskEnv hides the value of a secret-looking variable.
func maskEnv(key, value string) string {
	if value != "" && secretKey.MatchString(key) {
		return maskedValue
	}
	return value
}
