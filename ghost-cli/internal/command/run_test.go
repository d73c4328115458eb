package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad values for run are usage errors and start nothing: the data
// directory is never even created.
func TestRunRejectsBadInputBeforeTouchingState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("GHOST_DATA_DIR", dir)
	envFile := filepath.Join(t.TempDir(), "bad.env")
	os.WriteFile(envFile, []byte("NOPE\n"), 0o600)
	for _, args := range [][]string{
		{"-e", "X", "true"},
		{"--log-max-size", "0", "true"},
		{"--log-max-files", "-1", "true"},
		{"--env-file", envFile, "true"},
		{"--ready-port", "0", "true"},
		{"--ready-timeout", "never", "--ready-log", "x", "true"},
		{"-n", "", "true"},
		{"--tty", "--tty-size", "80", "true"},
		{"--tty", "--tty-size", "0x24", "true"},
		{"--tty", "--tty-size", "70000x24", "true"},
	} {
		var out, errOut bytes.Buffer
		code := Main(append([]string{"ghost", "run"}, args...), &out, &errOut)
		if code != exitUsage || !strings.HasPrefix(errOut.String(), "ghost: run: invalid ") {
			t.Errorf("run %q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the data directory was created by a rejected run")
	}
}

func TestRunTTYSizeNeedsTTY(t *testing.T) {
	usageCase(t, "ghost: run: --tty-size needs --tty", "run", "--tty-size", "100x30", "true")
}
