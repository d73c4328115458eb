//go:build unix

package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Several followers started while the task writes each get the whole
// output, identical to the log, and all end with the task.
func TestSeveralFollowersGetIdenticalOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "--log-max-size", "8K", "--log-max-files", "1000",
		"sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.05; done"))
	const n = 4
	outs := make([]*bytes.Buffer, n)
	cmds := make([]*exec.Cmd, n)
	for i := range n {
		outs[i] = &bytes.Buffer{}
		cmds[i] = ghostCmd(dir, "log", "-f", id)
		cmds[i].Stdout = outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("follower %d: %v", i, err)
		}
	}
	full := ghost(t, dir, "log", id)
	if !strings.HasSuffix(full, "line 299\n") || strings.Count(full, "\n") != 300 {
		t.Fatalf("log is not the whole output: %d lines", strings.Count(full, "\n"))
	}
	for i, o := range outs {
		if o.String() != full {
			t.Errorf("follower %d got %d bytes, the log has %d", i, o.Len(), len(full))
		}
	}
}

// Ctrl-C ends a follower quietly and leaves the task running.
func TestInterruptedFollowerLeavesTheTaskAlone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cleanupTasks(t, dir)
	id := strings.TrimSpace(ghost(t, dir, "run", "sh", "-c", "echo started; exec sleep 300"))
	var stdout lockedBuffer
	var stderr bytes.Buffer
	f := ghostCmd(dir, "log", "-f", id)
	f.Stdout, f.Stderr = &stdout, &stderr
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "started") {
		if time.Now().After(deadline) {
			t.Fatal("the follower printed nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.Process.Signal(syscall.SIGINT)
	err := f.Wait()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 130) {
		t.Errorf("follower ended with %v, want exit 0 or 130", err)
	}
	if stderr.Len() > 0 {
		t.Errorf("follower printed on stderr: %q", stderr.String())
	}
	if out := ghost(t, dir, "status", "--json", id); !strings.Contains(out, `"status": "running"`) {
		t.Errorf("the task did not survive its follower:\n%s", out)
	}
}

// lockedBuffer is a buffer an exec.Cmd may write to (from its copying
// goroutine) while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
