//go:build unix

package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// TestMain lets this test binary serve as the monitor of the tasks the
// tests start: the engine re-executes the running binary for that.
func TestMain(m *testing.M) {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	os.Exit(m.Run())
}

// harness is a server on a real data directory, and a client of the
// SDK's connected to it in memory.
type harness struct {
	t   testing.TB
	dir string
	e   *engine.Engine
	srv *Server
	cs  *sdk.ClientSession
}

// serve starts a server with log policy p (zero for the default) and
// connects a client named test-agent, which speaks the SDK's latest
// protocol version.
func serve(t testing.TB, p logs.Policy) *harness {
	t.Helper()
	return serveVersion(t, p, "")
}

// serveVersion is serve with a client that asks for protocol version
// version.
func serveVersion(t testing.TB, p logs.Policy, version string) *harness {
	t.Helper()
	dir := t.TempDir()
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, e: e}
	h.srv = New(Options{
		Version:  "test",
		Engine:   e,
		Defaults: engine.Spec{Cwd: t.TempDir(), Env: os.Environ(), Log: p},
	})
	ctx := context.Background()
	served := connect(h.srv, version)
	client := sdk.NewClient(&sdk.Implementation{Name: "test-agent", Version: "1"}, nil)
	h.cs, err = client.Connect(ctx, served.transport, served.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.cs.Close()
		served.wait(t)
		stopAll(t, e)
		e.Close()
	})
	return h
}

// served is a server running on a pair of pipes, and the SDK's transport
// for the other end.
type served struct {
	transport sdk.Transport
	opts      *sdk.ClientSessionOptions
	done      chan error
}

// connect runs srv over in-process pipes, as `ghost mcp` runs over its
// stdin and stdout. version is the protocol version the client asks for
// ("": the SDK's latest, the stateless protocol of 2026-07-28).
func connect(srv *Server, version string) *served {
	toServer, fromClient := io.Pipe()
	toClient, fromServer := io.Pipe()
	s := &served{transport: &sdk.IOTransport{Reader: toClient, Writer: fromClient}, done: make(chan error, 1)}
	if version != "" {
		s.opts = &sdk.ClientSessionOptions{ProtocolVersion: version}
	}
	go func() {
		err := srv.Run(context.Background(), toServer, fromServer)
		fromServer.Close()
		s.done <- err
	}()
	return s
}

// wait waits for the server to return once the client has closed its
// end; an answer it could not write to a client gone is no failure.
func (s *served) wait(t testing.TB) {
	t.Helper()
	if err := <-s.done; err != nil && !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("the server returned %v when its client went away", err)
	}
}

// stopAll ends every task left running and waits for every monitor to be
// gone, so that the data directory can be removed.
func stopAll(t testing.TB, e *engine.Engine) {
	ctx := context.Background()
	tasks, _ := e.List(ctx, engine.Filter{})
	for _, tk := range tasks {
		if !tk.Status.Finished() {
			e.Stop(ctx, tk.ID, 0)
		}
		full, err := e.Get(ctx, tk.ID)
		if err != nil || full.MonitorPID <= 0 {
			continue
		}
		deadline := time.Now().Add(30 * time.Second)
		// The launcher (this process) reaps its monitors: once reaped,
		// the pid is gone.
		for syscall.Kill(full.MonitorPID, 0) == nil && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// call calls a tool and fails the test on a protocol error.
func (h *harness) call(name string, args map[string]any) *sdk.CallToolResult {
	h.t.Helper()
	res, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		h.t.Fatalf("%s %v: %v", name, args, err)
	}
	if res.StructuredContent != nil {
		// The server encodes its output once, unchecked: check it here.
		b, _ := json.Marshal(res.StructuredContent)
		var v any
		json.Unmarshal(b, &v)
		if err := outputSchema(h.t, name).Validate(&v); err != nil {
			h.t.Errorf("%s: output %s does not match its schema: %v", name, b, err)
		}
	}
	return res
}

// ok calls a tool that must succeed and decodes its structured output
// into out.
func (h *harness) ok(name string, args map[string]any, out any) *sdk.CallToolResult {
	h.t.Helper()
	res := h.call(name, args)
	if res.IsError {
		h.t.Fatalf("%s %v: tool error: %s", name, args, text(res))
	}
	decode(h.t, res, out)
	return res
}

// toolError calls a tool that must fail as a tool error and returns its
// text.
func (h *harness) toolError(name string, args map[string]any) string {
	h.t.Helper()
	res := h.call(name, args)
	if !res.IsError {
		h.t.Fatalf("%s %v: no tool error; got %s", name, args, text(res))
	}
	return text(res)
}

// invalid calls a tool whose arguments must be refused as invalid params.
func (h *harness) invalid(name string, args map[string]any) string {
	h.t.Helper()
	res, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	var rpc *jsonrpc.Error
	if !errors.As(err, &rpc) || rpc.Code != jsonrpc.CodeInvalidParams {
		h.t.Fatalf("%s %v: want a JSON-RPC invalid-params error, got %v (result %v)", name, args, err, res)
	}
	return rpc.Message
}

func decode(t testing.TB, res *sdk.CallToolResult, out any) {
	t.Helper()
	if out == nil {
		return
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("structured output %s: %v", b, err)
	}
}

// text is the result's text content, joined.
func text(res *sdk.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// runTask starts a task with the run tool and returns its output.
func (h *harness) runTask(args map[string]any) runOut {
	h.t.Helper()
	var out runOut
	h.ok("run", args, &out)
	return out
}

// waitExit waits for the task to end, with the wait tool.
func (h *harness) waitExit(id string) waitOut {
	h.t.Helper()
	var out waitOut
	h.ok("wait", map[string]any{"task": id, "timeout_s": 30}, &out)
	if !out.Done {
		h.t.Fatalf("task %s did not end: %+v", id, out)
	}
	return out
}

func TestToolsAreListedWithSchemas(t *testing.T) {
	h := serve(t, logs.Policy{})
	res, err := h.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"run": true, "list": true, "status": true, "logs": true, "wait": true,
		"stop": true, "restart": true, "remove": true, "cleanup": true}
	for _, tool := range res.Tools {
		if !want[tool.Name] {
			t.Errorf("unexpected tool %s", tool.Name)
		}
		delete(want, tool.Name)
		if tool.InputSchema == nil || tool.OutputSchema == nil || tool.Description == "" {
			t.Errorf("tool %s lacks a schema or description", tool.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing tools: %v", want)
	}
	if info := h.cs.InitializeResult().ServerInfo; info.Name != "ghost" || info.Version != "test" {
		t.Errorf("server info %+v", info)
	}
}

// A task started through MCP says so, in the task object and in the
// database a person's `ghost list` reads.
func TestRunRecordsTheClientAsOrigin(t *testing.T) {
	h := serve(t, logs.Policy{})
	out := h.runTask(map[string]any{"argv": []string{"sleep", "300"}, "name": "web"})
	if out.Task.Origin != "mcp:test-agent" || out.Task.Status != task.Running || !out.Ready || out.Reused {
		t.Fatalf("run: %+v", out)
	}
	var listed listOut
	h.ok("list", map[string]any{"status": []string{"running"}}, &listed)
	if len(listed.Tasks) != 1 || listed.Tasks[0].ID != out.Task.ID || listed.Tasks[0].Origin != "mcp:test-agent" {
		t.Errorf("list: %+v", listed)
	}
	h.ok("list", map[string]any{"status": []string{"finished"}}, &listed)
	if len(listed.Tasks) != 0 {
		t.Errorf("list of finished tasks: %+v", listed)
	}
	if _, err := h.e.Run(context.Background(), engine.Spec{Name: "shop/web", Project: "shop", Command: []string{"sleep", "300"}, Cwd: t.TempDir(), Env: os.Environ()}); err != nil {
		t.Fatal(err)
	}
	h.ok("list", map[string]any{"project": "shop"}, &listed)
	if len(listed.Tasks) != 1 || listed.Tasks[0].Project == nil || *listed.Tasks[0].Project != "shop" {
		t.Errorf("list of project shop: %+v", listed)
	}
	h.ok("list", map[string]any{"limit": 1}, &listed)
	if len(listed.Tasks) != 1 || !listed.More {
		t.Errorf("list with limit 1 of 2: %+v", listed)
	}
	var st TaskObject
	h.ok("status", map[string]any{"task": "web"}, &st)
	if st.ID != out.Task.ID || st.Ports == nil {
		t.Errorf("status: %+v (ports must be looked up)", st)
	}
	tk, err := h.e.Get(context.Background(), out.Task.ID)
	if err != nil || tk.Origin != "mcp:test-agent" {
		t.Errorf("recorded origin %q, %v", tk.Origin, err)
	}
	if tk.EnvGiven == nil || len(tk.EnvGiven) != 0 {
		t.Errorf("recorded given variables %q, want none", tk.EnvGiven)
	}
	out = h.runTask(map[string]any{"command": "true", "env": map[string]any{"B_VAR": "2", "A_VAR": "1"}})
	if tk, err = h.e.Get(context.Background(), out.Task.ID); err != nil || !slices.Equal(tk.EnvGiven, []string{"A_VAR", "B_VAR"}) {
		t.Errorf("recorded given variables %q, %v; want the env given", tk.EnvGiven, err)
	}
	h.waitExit(out.Task.ID)
}

// run with a name returns the running task of that name rather than
// starting a second copy; replace stops it and starts anew; error
// refuses.
func TestRunReuseReplaceError(t *testing.T) {
	h := serve(t, logs.Policy{})
	first := h.runTask(map[string]any{"command": "sleep 300", "name": "svc"})
	again := h.runTask(map[string]any{"command": "sleep 300", "name": "svc"})
	if !again.Reused || again.Task.ID != first.Task.ID {
		t.Fatalf("second run started %s (reused %v), want %s reused", again.Task.ID, again.Reused, first.Task.ID)
	}
	var listed listOut
	h.ok("list", map[string]any{}, &listed)
	if len(listed.Tasks) != 1 {
		t.Fatalf("%d tasks after reuse, want 1", len(listed.Tasks))
	}
	msg := h.toolError("run", map[string]any{"command": "sleep 300", "name": "svc", "if_exists": "error"})
	if !strings.Contains(msg, "run: ") || !strings.Contains(msg, task.ErrNameTaken.Error()) {
		t.Errorf("if_exists=error: %q", msg)
	}
	repl := h.runTask(map[string]any{"command": "sleep 300", "name": "svc", "if_exists": "replace"})
	if repl.Task.ID == first.Task.ID || repl.Replaced != first.Task.ID || repl.Task.Status != task.Running {
		t.Fatalf("replace: %+v", repl)
	}
	var old TaskObject
	h.ok("status", map[string]any{"task": first.Task.ID}, &old)
	if old.Status == task.Running {
		t.Errorf("the replaced task still runs")
	}
}

func TestRunReadiness(t *testing.T) {
	h := serve(t, logs.Policy{})
	out := h.runTask(map[string]any{"command": "echo booting; echo listening on 8080; sleep 300",
		"ready": map[string]any{"log": "listening on \\d+", "timeout_s": 30}})
	if !out.Ready || out.Task.Status != task.Running {
		t.Fatalf("ready by log: %+v", out)
	}
	// Never ready: a tool error carrying the task, stopped, and its log.
	res := h.call("run", map[string]any{"command": "echo starting; echo still starting; sleep 300",
		"ready": map[string]any{"log": "never printed", "timeout_s": 0.5}})
	if !res.IsError || !strings.Contains(text(res), "task was not ready in time") {
		t.Fatalf("not ready: %s", text(res))
	}
	var failed runOut
	decode(t, res, &failed)
	if failed.Ready || failed.Task.Status == task.Running || failed.LogTail != "starting\nstill starting\n" {
		t.Errorf("not ready: %+v", failed)
	}
	// Ended before ready: the exit code and the log.
	res = h.call("run", map[string]any{"command": "echo oops >&2; exit 3", "ready": map[string]any{"cmd": "false"}})
	decode(t, res, &failed)
	if !res.IsError || !strings.Contains(text(res), "ended before it was ready") || failed.Task.ExitCode == nil || *failed.Task.ExitCode != 3 || failed.LogTail != "oops\n" {
		t.Errorf("ended first: %s %+v", text(res), failed)
	}
}

func TestRunAndTaskErrors(t *testing.T) {
	h := serve(t, logs.Policy{})
	if msg := h.toolError("run", map[string]any{"argv": []string{"/no/such/program"}}); !strings.HasPrefix(msg, "run: ") || !strings.Contains(msg, "not found") {
		t.Errorf("missing program: %q", msg)
	}
	if msg := h.toolError("status", map[string]any{"task": "nope"}); msg != "status: nope: no such task" {
		t.Errorf("unknown task: %q", msg)
	}
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"run", map[string]any{}},
		{"run", map[string]any{"command": "true", "argv": []string{"true"}}},
		{"run", map[string]any{"command": "true", "bogus": 1}},
		{"run", map[string]any{"command": "true", "if_exists": "maybe"}},
		{"run", map[string]any{"command": "true", "ready": map[string]any{"log": "("}}},
		{"run", map[string]any{"command": "true", "ready": map[string]any{}}},
		{"run", map[string]any{"command": "true", "ready": map[string]any{"port": 70000}}},
		{"run", map[string]any{"command": 42}},
		{"run", map[string]any{"command": "true", "name": "cafe"}},
		{"status", map[string]any{}},
		{"logs", map[string]any{"task": "x", "cursor": "abc"}},
		{"logs", map[string]any{"task": "x", "cursor": "1", "tail": 3}},
		{"logs", map[string]any{"task": "x", "grep": "["}},
		{"wait", map[string]any{"task": "x", "timeout_s": 601}},
		{"wait", map[string]any{"task": "x", "until": "log"}},
		{"wait", map[string]any{"task": "x", "until": "log", "log": "("}},
		{"wait", map[string]any{"task": "x", "until": "log", "log": "a", "pattern": "b"}},
		{"wait", map[string]any{"task": "x", "until": "ready"}},
		{"cleanup", map[string]any{"scope": "everything"}},
	} {
		h.invalid(c.tool, c.args)
	}
}

// run takes a restart policy, as `ghost run --restart` does: a crashing
// command comes back (once is enough to see; then it is stopped).
func TestRunWithRestartPolicy(t *testing.T) {
	h := serve(t, logs.Policy{})
	out := h.runTask(map[string]any{"command": "exit 3", "restart": "on-failure"})
	var st TaskObject
	for deadline := time.Now().Add(20 * time.Second); ; {
		h.ok("status", map[string]any{"task": out.Task.ID}, &st)
		if st.Restarts > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling, with a deadline
	}
	h.ok("stop", map[string]any{"task": out.Task.ID}, nil)
	h.waitExit(out.Task.ID)
	if st.Restart != "on-failure" || st.Restarts == 0 {
		t.Errorf("status %+v: want on-failure with restarts", st)
	}
	if msg := h.invalid("run", map[string]any{"command": "true", "restart": "sometimes"}); msg == "" {
		t.Error("restart=sometimes accepted")
	}
}
