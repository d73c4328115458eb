package tui

import "strings"

// KeyHelp is the text of the help view without its section titles: one
// line a key, the keys and what they do apart by three spaces or more.
// ghost-ui(1) lists the keys from it (ghost-ui/internal/mangen), so the
// page says what the view says.
func KeyHelp() string {
	var b strings.Builder
	for _, l := range strings.Split(helpText, "\n") {
		if strings.HasPrefix(l, " [::b]") {
			continue // a section title: which part has the focus
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
