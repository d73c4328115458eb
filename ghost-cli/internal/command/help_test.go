package command

import (
	"bytes"
	"strings"
	"testing"
)

func helpOutput(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Main(append([]string{"ghost"}, args...), &out, &errOut); code != 0 || errOut.Len() > 0 {
		t.Fatalf("ghost %q: exit %d, stderr %q", args, code, errOut.String())
	}
	return out.String()
}

func TestHelpCommand(t *testing.T) {
	if out := helpOutput(t, "help"); !strings.Contains(out, "COMMANDS:") || !strings.Contains(out, "restart") {
		t.Errorf("ghost help:\n%s", out)
	}
	if out := helpOutput(t, "help", "run"); !strings.Contains(out, "ghost run - ") || !strings.Contains(out, "--ready-port PORT") {
		t.Errorf("ghost help run:\n%s", out)
	}
	usageCase(t, "ghost: help: nope: no such command", "help", "nope")
	usageCase(t, "ghost: help: too many arguments", "help", "run", "list")
}

// Every help screen fits 80 columns, and shows each default once, as
// the default it is.
func TestHelpFitsAndStatesDefaultsOnce(t *testing.T) {
	screens := [][]string{{"--help"}}
	for _, c := range commands() {
		screens = append(screens, []string{c.Name, "--help"})
	}
	for _, args := range screens {
		out := helpOutput(t, args...)
		for _, line := range strings.Split(out, "\n") {
			if len([]rune(line)) > 80 {
				t.Errorf("ghost %q: a line of %d columns: %q", args, len([]rune(line)), line)
			}
		}
		if strings.Contains(out, "(default: ") || strings.Contains(out, "default 0") || strings.Count(out, "[ --") > 0 {
			t.Errorf("ghost %q shows a default the wrong way:\n%s", args, out)
		}
	}
	run := helpOutput(t, "run", "--help")
	for _, want := range []string{"(default 5 or $GHOST_LOG_MAX_FILES)", "(default 10M or $GHOST_LOG_MAX_SIZE)", "(default 60s)", "-e, --env KEY=VALUE"} {
		if !strings.Contains(strings.Join(strings.Fields(run), " "), want) {
			t.Errorf("ghost run --help lacks %q:\n%s", want, run)
		}
	}
}
