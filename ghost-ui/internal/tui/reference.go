package tui

// KeyHelp is the text of the help view: one line a key, the keys and what
// they do apart by three spaces or more. ghost-ui(1) lists the keys from
// it (ghost-ui/internal/mangen), so the page says what the view says.
func KeyHelp() string { return helpText }
