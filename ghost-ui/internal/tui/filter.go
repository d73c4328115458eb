package tui

import (
	"cmp"
	"slices"
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

func (s stateFilter) keeps(t task.Task) bool {
	switch s {
	case runningOnly:
		return !t.Status.Finished() // restarting too: it runs again soon
	case finishedOnly:
		return t.Status.Finished()
	}
	return true
}

// sortKey orders the table; S cycles through them.
type sortKey int

const (
	byStarted sortKey = iota // newest first, as loaded
	byName
	byState
	byCPU
	byMem
	byRuntime
)

func (k sortKey) String() string {
	return [...]string{"started", "name", "state", "cpu", "memory", "runtime"}[k]
}

func (k sortKey) next() sortKey { return (k + 1) % 6 }

// matches reports whether the task's id, name, project (`ghost up`) or
// command holds needle (lower-case).
func matches(t task.Task, needle string) bool {
	return strings.Contains(strings.ToLower(t.ID+" "+t.Name+" "+t.Project+" "+strings.Join(t.Command, " ")), needle)
}

// filtered applies the state filter and the text filter, which matches
// the name, the project, the command or the id, case-insensitively, then
// the sort.
func (u *UI) filtered() []task.Task {
	needle := strings.ToLower(u.filterText)
	out := make([]task.Task, 0, len(u.tasks))
	for _, t := range u.tasks {
		if u.states.keeps(t) && (needle == "" || matches(t, needle)) {
			out = append(out, t)
		}
	}
	now := u.now()
	switch u.sortBy {
	case byName:
		slices.SortStableFunc(out, func(a, b task.Task) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	case byState:
		rank := func(t task.Task) int {
			if !t.Status.Finished() {
				return 0
			}
			return 1
		}
		slices.SortStableFunc(out, func(a, b task.Task) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Status, b.Status))
		})
	case byCPU, byMem:
		value := func(t task.Task) float64 {
			m := u.measured(t)
			if m.Usage == nil || m.Status != task.Running {
				return -1
			}
			if u.sortBy == byCPU {
				return m.Usage.CPUPercent
			}
			return float64(m.Usage.RSSBytes)
		}
		slices.SortStableFunc(out, func(a, b task.Task) int { return cmp.Compare(value(b), value(a)) })
	case byRuntime:
		slices.SortStableFunc(out, func(a, b task.Task) int { return cmp.Compare(b.Runtime(now), a.Runtime(now)) })
	}
	return out
}

// beginFilter swaps the status line for the input: a filter of the
// tasks, or (search) a search of the log.
func (u *UI) beginFilter(search bool) {
	u.filtering, u.searching = true, search
	if search {
		u.filter.SetLabel("search log: ").SetText(u.logView.search)
	} else {
		u.filter.SetLabel("/").SetText(u.filterText)
	}
	u.root.RemoveItem(u.status)
	u.root.RemoveItem(u.footer)
	u.root.AddItem(u.filter, 1, 0, true)
	u.root.AddItem(u.footer, 1, 0, false)
	u.app.SetFocus(u.filter)
}

func (u *UI) filterChanged(text string) {
	if !u.filtering {
		return
	}
	if u.searching {
		u.logView.search, u.logView.match = strings.ToLower(text), noLine
		return
	}
	u.filterText = text
	u.render()
	u.searchHistory()
}

// searchHistory asks for every task of the history matching the filter
// when the table does not hold them all.
func (u *UI) searchHistory() {
	q := u.query()
	switch {
	case u.filterText != "" && (u.more || q.text != ""):
		q.text = u.filterText
	case u.filterText == "" && q.text != "":
		q.text = ""
	default:
		return
	}
	if !u.live {
		u.qmu.Lock()
		u.q = q
		u.qmu.Unlock()
		u.reload()
		return
	}
	u.setQuery(q)
}

// endFilter keeps the filter or search (Enter) or clears it (Esc).
func (u *UI) endFilter(clear bool) {
	search := u.searching
	u.filtering, u.searching = false, false
	u.root.RemoveItem(u.filter)
	u.root.RemoveItem(u.footer)
	u.root.AddItem(u.status, 1, 0, false)
	u.root.AddItem(u.footer, 1, 0, false)
	if search {
		u.app.SetFocus(u.logView)
		if clear {
			u.logView.search, u.logView.match = "", noLine
			return
		}
		u.findInLog(1)
		return
	}
	u.app.SetFocus(u.table)
	if clear {
		u.filterText = ""
		u.searchHistory()
	}
	u.render()
}

// findInLog jumps to the next (1) or previous (-1) match in the log.
func (u *UI) findInLog(dir int) {
	if u.logView.search == "" {
		u.setMessage("no search: / in the log pane to search")
		return
	}
	k, n := u.logView.find(dir)
	if n == 0 {
		u.setError("not in the log: %s", u.logView.search)
		return
	}
	u.setMessage("match %d of %d", k, n)
}
