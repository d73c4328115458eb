package command

import (
	"slices"
	"testing"
)

func TestCandidates(t *testing.T) {
	cmds := commands()
	for _, tc := range []struct {
		words, want []string
	}{
		{[]string{"re"}, []string{"restart"}},
		{[]string{"r"}, []string{"restart", "rm", "run"}},
		{[]string{"list", "--s"}, []string{"--status"}},
		{[]string{"list", "-s", "ex"}, []string{"exited"}},
		{[]string{"kill", "-s", "T"}, []string{"TERM"}},
		{[]string{"completion", "z"}, []string{"zsh"}},
		{[]string{"nosuch", "x"}, nil},
	} {
		if got := candidates(cmds, tc.words); !slices.Equal(got, tc.want) {
			t.Errorf("candidates(%q) = %q, want %q", tc.words, got, tc.want)
		}
	}
}
