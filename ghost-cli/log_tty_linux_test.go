package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what a user's terminal is to a
// command.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("cannot unlock a pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("cannot name a pseudo-terminal: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("cannot open a pseudo-terminal: %v", err)
	}
	return m, s
}

// ghostOnTerminal runs ghost with its stdout on a terminal and returns
// what the terminal got.
func ghostOnTerminal(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	cmd := ghostCmd(dir, args...)
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = slave, &stderr
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(master) // ends with EIO once the slave is closed everywhere
		got <- b
	}()
	err := cmd.Run()
	slave.Close()
	out := <-got
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("ghost %v: %v, stderr %q", args, err, stderr.String())
	}
	return string(out)
}

// On a terminal, several logs come with a colour per task, unless
// NO_COLOR, and the lines' control characters escaped.
func TestLogOfSeveralTasksOnATerminal(t *testing.T) {
	dir := t.TempDir()
	web := strings.TrimSpace(ghost(t, dir, "run", "-n", "web", "printf", `hi\033[2J\n`))
	worker := strings.TrimSpace(ghost(t, dir, "run", "-n", "worker", "echo", "working"))
	ghost(t, dir, "wait", web, worker)
	noColor := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NO_COLOR=") {
			noColor = append(noColor, "NO_COLOR=") // empty counts as unset
		}
	}
	out := ghostOnTerminal(t, dir, noColor, "log", "web", "worker")
	if !strings.Contains(out, `web    |`+"\x1b[0m"+` hi\x1b[2J`) || strings.Contains(out, "\x1b[2J") {
		t.Errorf("web's line is not escaped after a coloured label: %q", out)
	}
	if !strings.HasPrefix(out, "\x1b[") || !strings.Contains(out, "worker |\x1b[0m working") {
		t.Errorf("labels are not coloured: %q", out)
	}
	out = ghostOnTerminal(t, dir, []string{"NO_COLOR=1"}, "log", "web", "worker")
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `web    | hi\x1b[2J`) {
		t.Errorf("NO_COLOR: %q", out)
	}
	// One task alone is still byte for byte, escapes included.
	out = ghostOnTerminal(t, dir, nil, "log", "web")
	if out != "hi\x1b[2J\r\n" {
		t.Errorf("one task: %q", out)
	}
}
