//go:build unix

package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// buildGhost builds the ghost binary as `make build` does, into a
// temporary directory ($GHOST_BIN instead when set).
func buildGhost(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("GHOST_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "ghost")
	// The flags of make build, so that its build cache serves this one.
	out, err := exec.Command("go", "build", "-trimpath", "-tags", "urfave_cli_no_docs", "-o", bin, "./cmd/ghost").CombinedOutput()
	if err != nil {
		t.Fatalf("building ghost: %v\n%s", err, out)
	}
	return bin
}

// mcpClient starts `ghost mcp` (the binary bin) with the data directory
// dir as a subprocess and connects the SDK's client to it over stdio.
func mcpClient(t *testing.T, bin, dir string) (*sdk.ClientSession, *exec.Cmd) {
	t.Helper()
	cmd := ghostCommand(bin, dir, "mcp")
	cmd.Stderr = os.Stderr
	client := sdk.NewClient(&sdk.Implementation{Name: "e2e-agent", Version: "1"}, nil)
	cs, err := client.Connect(context.Background(), &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cs, cmd
}

func callTool(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any, out any) *sdk.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if out != nil {
		if res.IsError {
			t.Fatalf("%s: tool error: %s", name, res.Content[0].(*sdk.TextContent).Text)
		}
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %s: %v", name, b, err)
		}
	}
	return res
}

// The real `ghost mcp` over stdio: the tools answer, errors carry the
// CLI's words, and when the client goes away the server exits and leaves
// its tasks running, for cleanup (or a person) to end.
func TestMCPServerOverStdio(t *testing.T) {
	t.Parallel()
	bin := buildGhost(t)
	dir := t.TempDir()
	cleanupTasks(t, dir)
	cs, cmd := mcpClient(t, bin, dir)

	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tools.Tools) != 9 {
		t.Fatalf("tools/list: %v, %v", tools, err)
	}
	var run struct {
		Task  struct{ ID, Origin, Status string }
		Ready bool
	}
	callTool(t, cs, "run", map[string]any{"command": "echo up; sleep 300", "name": "web", "ready": map[string]any{"log": "^up$"}}, &run)
	if !run.Ready || run.Task.Origin != "mcp:e2e-agent" || run.Task.Status != "running" {
		t.Fatalf("run: %+v", run)
	}
	var logs struct {
		Text       string `json:"text"`
		NextCursor string `json:"next_cursor"`
	}
	callTool(t, cs, "logs", map[string]any{"task": "web", "cursor": "0"}, &logs)
	if logs.Text != "up\n" || logs.NextCursor != "3" {
		t.Errorf("logs: %+v", logs)
	}
	res := callTool(t, cs, "remove", map[string]any{"task": "web"}, nil)
	if msg := res.Content[0].(*sdk.TextContent).Text; !res.IsError || !strings.HasPrefix(msg, "rm: "+run.Task.ID[:8]+": task is still running") {
		t.Errorf("remove of a running task: %q", msg)
	}
	res = callTool(t, cs, "status", map[string]any{"task": "nothing-by-this-name"}, nil)
	if msg := res.Content[0].(*sdk.TextContent).Text; !res.IsError || msg != "status: nothing-by-this-name: no such task\nhint: see the tasks with: ghost list" {
		t.Errorf("unknown task: %q", msg)
	}

	// The client goes: stdin closes, the server exits, the task stays.
	cs.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("ghost mcp did not exit when its client went away")
	}
	if state := cmd.ProcessState; state == nil || state.ExitCode() != 0 {
		t.Errorf("ghost mcp exited with %v", state)
	}
	out := ghost(t, dir, "status", "--json", "web")
	if !strings.Contains(out, `"status": "running"`) || !strings.Contains(out, `"origin": "mcp:e2e-agent"`) {
		t.Errorf("after the client left:\n%s", out)
	}
	// A new session cleans up what it started, not what the last one did.
	cs2, _ := mcpClient(t, bin, dir)
	defer cs2.Close()
	var cleaned struct{ Stopped, Removed []string }
	callTool(t, cs2, "cleanup", map[string]any{}, &cleaned)
	if len(cleaned.Stopped)+len(cleaned.Removed) != 0 {
		t.Errorf("a new session cleaned up another's task: %+v", cleaned)
	}
}

// Requests piped in with stdin closed behind them (printf ... | ghost mcp)
// are answered: the server gives the calls it received 2 seconds to finish
// before it exits, so a list answers and a run starts its task; a wait
// still blocked then is cancelled, unanswered, and the server exits 0.
func TestMCPAnswersPipedRequests(t *testing.T) {
	t.Parallel()
	bin := buildGhost(t)
	dir := t.TempDir()
	cleanupTasks(t, dir)
	long := strings.TrimSpace(ghost(t, dir, "run", "sleep", "300"))
	cmd := ghostCommand(bin, dir, "mcp")
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"piped","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list","arguments":{}}}` + "\n" +
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"run","arguments":{"command":"sleep 300","name":"from-a-pipe"}}}` + "\n" +
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"wait","arguments":{"task":"` + long + `","timeout_s":600}}}` + "\n")
	out, errOut, err := result(cmd)
	if err != nil || errOut != "" {
		t.Fatalf("ghost mcp: %v\nstderr: %s", err, errOut)
	}
	answered := map[float64]bool{}
	for line := range strings.Lines(out) {
		var m struct {
			ID     float64
			Result *struct{ IsError bool }
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.Result == nil || m.Result.IsError {
			t.Errorf("answer %q (%v)", line, err)
		}
		answered[m.ID] = true
	}
	if !answered[1] || !answered[2] || !answered[3] || answered[4] || len(answered) != 3 {
		t.Errorf("answered %v, want 1, 2 and 3 (the wait cancelled, unanswered):\n%s", answered, out)
	}
	if st := ghost(t, dir, "status", "--json", "from-a-pipe"); !strings.Contains(st, `"status": "running"`) || !strings.Contains(st, `"origin": "mcp:piped"`) {
		t.Errorf("the piped run's task:\n%s", st)
	}
}
