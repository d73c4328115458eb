package command

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestInterspersedMovesFlagsFirst(t *testing.T) {
	cmds := commands()
	for _, tc := range []struct{ in, want []string }{
		{[]string{"ghost", "log", "abc", "-f"}, []string{"ghost", "log", "-f", "--", "abc"}},
		{[]string{"ghost", "stop", "abc", "-t", "5s"}, []string{"ghost", "stop", "-t", "5s", "--", "abc"}},
		{[]string{"ghost", "stop", "abc", "--timeout=5s"}, []string{"ghost", "stop", "--timeout=5s", "--", "abc"}},
		{[]string{"ghost", "log", "--", "-weird-name"}, []string{"ghost", "log", "--", "-weird-name"}},
		// run's arguments after the command belong to the command
		{[]string{"ghost", "run", "ls", "-l"}, []string{"ghost", "run", "ls", "-l"}},
		{[]string{"ghost", "list"}, []string{"ghost", "list"}},
	} {
		if got := interspersed(tc.in, cmds); !slices.Equal(got, tc.want) {
			t.Errorf("interspersed(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUsageErrorsExitTwoWithOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"ghost", "list", "--bogus"},
		{"ghost", "nosuchcommand"},
		{"ghost", "run"},
		{"ghost", "status"},
		{"ghost", "list", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := Main(args, &out, &errOut); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.HasPrefix(errOut.String(), "ghost: ") || out.Len() > 0 {
			t.Errorf("%q: stdout %q, stderr %q", args, out.String(), errOut.String())
		}
	}
}
