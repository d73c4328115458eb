package command

import (
	"os"
	"path/filepath"
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
		{[]string{"up", "--restart", "o"}, []string{"on-failure"}},
		{[]string{"nosuch", "x"}, nil},
	} {
		if got := candidates(cmds, tc.words); !slices.Equal(got, tc.want) {
			t.Errorf("candidates(%q) = %q, want %q", tc.words, got, tc.want)
		}
	}
}

// up and down complete the services of ./Procfile.
func TestCandidatesOfUpAreServices(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Procfile"), []byte("web: a\nworker: b\nclock: c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if got := candidates(commands(), []string{"up", "w"}); !slices.Equal(got, []string{"web", "worker"}) {
		t.Errorf("up w: %q", got)
	}
	if got := candidates(commands(), []string{"down", ""}); !slices.Equal(got, []string{"clock", "web", "worker"}) {
		t.Errorf("down: %q", got)
	}
}
