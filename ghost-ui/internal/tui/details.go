package tui

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/printable"
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
	full, err := u.eng.Store.Get(context.Background(), t.ID)
	if err != nil {
		u.setError("reading task: %v", err)
		return
	}
	full.Status, full.ExitCode, full.Signal, full.FinishedAt = t.Status, t.ExitCode, t.Signal, t.FinishedAt
	u.details.SetText(detailsText(full, u.now())).ScrollToBeginning()
	u.pages.ShowPage("details")
	u.app.SetFocus(u.details)
}

func detailsText(t task.Task, now time.Time) string {
	var b strings.Builder
	for _, f := range t.Describe(now, printable.Quote) {
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
