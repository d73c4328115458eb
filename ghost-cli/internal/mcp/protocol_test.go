//go:build unix

package mcp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Every protocol version the SDK's client speaks gets the same server:
// the stateless one of 2026-07-28 (server/discover, the client in each
// request's _meta) and the four that begin with initialize.
func TestEveryProtocolVersionServesTheTools(t *testing.T) {
	for _, c := range []struct{ ask, want string }{
		{"", "2026-07-28"},
		{"2025-11-25", "2025-11-25"},
		{"2025-06-18", "2025-06-18"},
		{"2025-03-26", "2025-03-26"},
		{"2024-11-05", "2024-11-05"},
	} {
		t.Run(c.want, func(t *testing.T) {
			h := serveVersion(t, logs.Policy{}, c.ask)
			init := h.cs.InitializeResult()
			if init.ProtocolVersion != c.want {
				t.Errorf("negotiated %s, want %s", init.ProtocolVersion, c.want)
			}
			if info := init.ServerInfo; info == nil || info.Name != "ghost" || info.Title != "ghost" || info.Version != "test" {
				t.Errorf("server info %+v", info)
			}
			if init.Instructions != instructions || init.Capabilities == nil || init.Capabilities.Tools == nil {
				t.Errorf("instructions %q, capabilities %+v", init.Instructions, init.Capabilities)
			}
			res, err := h.cs.ListTools(context.Background(), nil)
			if err != nil || len(res.Tools) != 9 {
				t.Fatalf("tools/list: %v, %v", res, err)
			}
			for _, tl := range res.Tools {
				in, _ := json.Marshal(tl.InputSchema)
				out, _ := json.Marshal(tl.OutputSchema)
				want := h.srv.schemas[tl.Name]
				if !sameJSON(in, want.Input) || !sameJSON(out, want.Output) {
					t.Errorf("tool %s: schemas differ from schemas.json:\n%s\n%s", tl.Name, in, out)
				}
			}
			run := h.runTask(map[string]any{"command": "exit 4", "name": "v"})
			if run.Task.Origin != "mcp:test-agent" {
				t.Errorf("origin %q", run.Task.Origin)
			}
			if w := h.waitExit(run.Task.ID); w.ExitCode == nil || *w.ExitCode != 4 {
				t.Errorf("wait: %+v", w)
			}
			if msg := h.toolError("status", map[string]any{"task": "nope"}); msg != "status: nope: no such task" {
				t.Errorf("unknown task: %q", msg)
			}
			h.invalid("status", map[string]any{})
			if err := h.cs.Ping(context.Background(), nil); c.want < statelessVersion && err != nil {
				t.Errorf("ping: %v", err)
			}
		})
	}
}

// wire is a server driven line by line, as a client that is not the SDK
// would drive it.
type wire struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *bufio.Reader
	srv  *Server
	done chan error
}

func serveWire(t *testing.T) *wire {
	e, err := engine.OpenDir(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Version: "test", Engine: e, Defaults: engine.Spec{Cwd: t.TempDir(), Env: os.Environ()}})
	toServer, in := io.Pipe()
	fromServer, out := io.Pipe()
	w := &wire{t: t, in: in, out: bufio.NewReader(fromServer), srv: srv, done: make(chan error, 1)}
	go func() {
		err := srv.Run(context.Background(), toServer, out)
		out.Close()
		w.done <- err
	}()
	t.Cleanup(func() {
		in.Close()
		go io.Copy(io.Discard, fromServer)
		<-w.done
		stopAll(t, e)
		e.Close()
	})
	return w
}

// send writes a request and returns the answer.
func (w *wire) send(line string) map[string]any {
	w.t.Helper()
	w.write(line)
	return w.next()
}

// write writes a line.
func (w *wire) write(line string) {
	w.t.Helper()
	if _, err := io.WriteString(w.in, line+"\n"); err != nil {
		w.t.Fatal(err)
	}
}

// next reads the next message the server writes.
func (w *wire) next() map[string]any {
	w.t.Helper()
	got := make(chan string, 1)
	go func() {
		line, _ := w.out.ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil || !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
			w.t.Fatalf("not one JSON message on a line: %q (%v)", line, err)
		}
		return m
	case <-time.After(30 * time.Second):
		w.t.Fatal("no answer")
		return nil
	}
}

// code is the JSON-RPC error code of answer m, 1 when it has none.
func code(m map[string]any) int {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 1
	}
	return int(e["code"].(float64))
}

// Malformed input is answered as JSON-RPC says, and the server goes on:
// one bad line from a client does not end the session.
func TestWireErrorsKeepTheSessionGoing(t *testing.T) {
	w := serveWire(t)
	if m := w.send(`{"jsonrpc":"2.0","id":1,"method":"ping"}`); code(m) != 1 || m["id"] != 1.0 {
		t.Errorf("ping before initialize: %v", m)
	}
	if m := w.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); code(m) != 0 {
		t.Errorf("tools/list before initialize: %v", m)
	}
	m := w.send(`{"jsonrpc":"2.0","id":"i","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	if r, _ := m["result"].(map[string]any); r == nil || r["protocolVersion"] != "2025-06-18" || m["id"] != "i" {
		t.Fatalf("initialize: %v", m)
	}
	// Notifications, known or not, get no answer: the next line read is
	// the answer to the next request.
	w.write(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	w.write(`{"jsonrpc":"2.0","method":"notifications/unknown"}`)
	w.write(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}}`)
	for _, c := range []struct {
		line string
		code int
	}{
		{`{"jsonrpc":"2.0","id":3,"method":"ping"`, -32700},
		{`not json`, -32700},
		{`[{"jsonrpc":"2.0","id":4,"method":"ping"}]`, -32600},
		{`{"jsonrpc":"1.0","id":5,"method":"ping"}`, -32600},
		{`{"jsonrpc":"2.0","id":{},"method":"ping"}`, -32600},
		{`{"jsonrpc":"2.0","id":6,"method":"no/such/method"}`, -32601},
		{`{"jsonrpc":"2.0","id":7,"method":"tools/call"}`, -32600},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"nope"}}`, -32602},
		{`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":[]}`, -32602},
		{`{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"list","arguments":{"limit":0}}}`, -32602},
		{`{"jsonrpc":"2.0","id":11,"method":"tools/list","params":{"cursor":"x"}}`, -32602},
		{`{"jsonrpc":"2.0","id":12,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}`, 0},
		{`{"jsonrpc":"2.0","id":13,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}`, -32022},
		{`{"jsonrpc":"2.0","id":14,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`, -32602},
		{`{"jsonrpc":"2.0","id":15,"method":"ping","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`, -32601},
	} {
		m := w.send(c.line)
		if code(m) != c.code {
			t.Errorf("%s: got %v, want code %d", c.line, m, c.code)
		}
		if c.code == -32700 && m["id"] != nil {
			t.Errorf("%s: a parse error answers id null, got %v", c.line, m["id"])
		}
	}
	m = w.send(`{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":"list","arguments":{}}}`)
	if r, _ := m["result"].(map[string]any); r == nil || r["structuredContent"] == nil || r["resultType"] != nil {
		t.Errorf("a call after the errors: %v", m)
	}
	// A request of the stateless protocol gets a result marked complete,
	// naming the server.
	m = w.send(`{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"list","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
	r, _ := m["result"].(map[string]any)
	meta, _ := r["_meta"].(map[string]any)
	if r == nil || r["resultType"] != "complete" || meta[metaServerInfo] == nil || r["structuredContent"] == nil {
		t.Errorf("a stateless call: %v", m)
	}
}

// When the client goes (stdin closes), the server cancels what it was
// doing, writes nothing more and returns; the task runs on.
func TestWireEndsWithItsInput(t *testing.T) {
	w := serveWire(t)
	w.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	m := w.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run","arguments":{"command":"sleep 300"}}}`)
	var out runOut
	b, _ := json.Marshal(m["result"].(map[string]any)["structuredContent"])
	if err := json.Unmarshal(b, &out); err != nil || out.Task.Origin != "mcp:raw" {
		t.Fatalf("run: %v", m)
	}
	w.write(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"wait","arguments":{"task":"` + out.Task.ID + `","timeout_s":600}}}`)
	eventually(t, "the wait to begin", func() bool { return w.srv.waits.Load() == 1 })
	w.in.Close()
	extra := make(chan string, 1)
	go func() {
		rest, _ := io.ReadAll(w.out)
		extra <- string(rest)
	}()
	select {
	case err := <-w.done:
		w.done <- err // for the cleanup
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not return when its input closed")
	}
	if rest := <-extra; rest != "" {
		t.Errorf("written after the client went: %q", rest)
	}
	if w.srv.waits.Load() != 0 {
		t.Error("the wait still runs")
	}
	tk, err := w.srv.e.Get(context.Background(), out.Task.ID)
	if err != nil || tk.Status != task.Running {
		t.Errorf("the task is %v (%v) after the client went", tk.Status, err)
	}
}

// A cancelled call gets no answer, as the protocol asks: the client
// stopped listening for it.
func TestCancelledCallIsNotAnswered(t *testing.T) {
	h := serveVersion(t, logs.Policy{}, "2025-11-25")
	run := h.runTask(map[string]any{"command": "sleep 300"})
	cancel, done := h.blockedWait(t, run.Task.ID)
	cancelWait(t, h, cancel, done)
	// The session goes on.
	if _, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: "status", Arguments: map[string]any{}}); !isInvalidParams(err) {
		t.Errorf("a call after the cancelled one: %v", err)
	}
}

func isInvalidParams(err error) bool {
	var rpc *jsonrpc.Error
	return errors.As(err, &rpc) && rpc.Code == jsonrpc.CodeInvalidParams
}
