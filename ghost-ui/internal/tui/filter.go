package tui

import (
	"strings"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// stateFilter narrows the table by state; a key cycles through them.
type stateFilter int

const (
	allStates stateFilter = iota
	runningOnly
	finishedOnly
)

func (s stateFilter) String() string {
	return [...]string{"all", "running", "finished"}[s]
}

func (s stateFilter) next() stateFilter { return (s + 1) % 3 }

func (s stateFilter) keeps(t task.Listing) bool {
	switch s {
	case runningOnly:
		return !t.Status.Finished() // restarting ones too: they will run again
	case finishedOnly:
		return t.Status.Finished()
	}
	return true
}

// filtered applies the state filter and the text filter, which matches
// the name, the project (`ghost up`), the command or the id,
// case-insensitively.
func (u *UI) filtered() []task.Listing {
	needle := strings.ToLower(u.filterText)
	var out []task.Listing
	for _, t := range u.tasks {
		if !u.states.keeps(t) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(t.ID+" "+t.Name+" "+t.Project+" "+strings.Join(t.Command, " ")), needle) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// beginFilter swaps the status line for the filter input.
func (u *UI) beginFilter() {
	u.filtering = true
	u.filter.SetText(u.filterText)
	u.root.RemoveItem(u.status)
	u.root.AddItem(u.filter, 1, 0, true)
	u.root.RemoveItem(u.footer)
	u.root.AddItem(u.footer, 1, 0, false)
	u.app.SetFocus(u.filter)
}

// endFilter keeps the filter (Enter) or clears it (Esc).
func (u *UI) endFilter(clear bool) {
	if clear {
		u.filterText = ""
	}
	u.filtering = false
	u.root.RemoveItem(u.filter)
	u.root.RemoveItem(u.footer)
	u.root.AddItem(u.status, 1, 0, false)
	u.root.AddItem(u.footer, 1, 0, false)
	u.app.SetFocus(u.table)
	u.render()
}
