package lifecycle

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/task"
)

// TestArchitectureTableIsTransitions holds docs/architecture.md's table of
// transitions to Transitions: every (from, to, by) the doc draws is one the
// code allows, and the other way round.
func TestArchitectureTableIsTransitions(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	var drawn []Transition
	inTable := false
	for _, line := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(line, "| from | to | by |") {
			inTable = true
			continue
		}
		if !inTable || strings.HasPrefix(line, "|--") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(line, "|")
		froms, tos, by := docStates(cells[1]), docStates(cells[2]), Actor(strings.TrimSpace(cells[3]))
		for _, from := range froms {
			for _, to := range tos {
				if to == "(stop requested)" { // a mark: the state stays
					to = from
				}
				drawn = append(drawn, Transition{From: from, To: to, By: by})
			}
		}
	}
	if len(drawn) == 0 {
		t.Fatal("no table of transitions found in docs/architecture.md")
	}
	key := func(tr Transition) string { return string(tr.From) + " > " + string(tr.To) + " by " + string(tr.By) }
	var code []string
	for _, tr := range Transitions {
		code = append(code, key(tr))
	}
	var doc2 []string
	for _, tr := range drawn {
		doc2 = append(doc2, key(tr))
	}
	for _, k := range doc2 {
		if !slices.Contains(code, k) {
			t.Errorf("docs/architecture.md draws %s; Transitions does not allow it", k)
		}
	}
	for _, k := range code {
		if !slices.Contains(doc2, k) {
			t.Errorf("Transitions allows %s; docs/architecture.md does not draw it", k)
		}
	}
}

// docStates reads a cell of the doc's table: states separated by commas,
// "—" for no row, a parenthesised remark dropped.
func docStates(cell string) []task.Status {
	var out []task.Status
	for _, s := range strings.Split(cell, ",") {
		s = strings.TrimSpace(s)
		if s == "(stop requested)" {
			out = append(out, task.Status(s))
			continue
		}
		if i := strings.Index(s, " ("); i >= 0 {
			s = s[:i]
		}
		if s == "—" {
			s = string(None)
		}
		out = append(out, task.Status(s))
	}
	return out
}
