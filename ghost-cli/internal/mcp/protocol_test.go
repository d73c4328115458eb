//go:build unix

package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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
	return serveWireGrace(t, closeGrace)
}

// serveWireGrace is serveWire with grace for the calls in flight when the
// input ends.
func serveWireGrace(t *testing.T, grace time.Duration) *wire {
	e, err := engine.OpenDir(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Version: "test", Engine: e, Defaults: engine.Spec{Cwd: t.TempDir(), Env: os.Environ()}})
	srv.grace = grace
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
	line := w.nextLine()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil || !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		w.t.Fatalf("not one JSON message on a line: %q (%v)", line, err)
	}
	return m
}

// nextLine reads the next line the server writes, failing the test when
// none comes within 30 s.
func (w *wire) nextLine() string {
	w.t.Helper()
	got := make(chan string, 1)
	go func() {
		line, _ := w.out.ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line
	case <-time.After(30 * time.Second):
		w.t.Fatal("no answer")
		return ""
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
	if m := w.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`); code(m) != -32600 || m["id"] != 2.0 {
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
		{`{"jsonrpc":"2.0","id":12,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}`, -32600},
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
	// A valid JSON value that is not a valid request is an invalid
	// request, answered with its id when it has a valid one.
	for _, c := range []struct {
		line string
		id   any
	}{
		{`{"jsonrpc":"2.0","id":5,"method":5}`, 5.0},
		{`{"jsonrpc":"2.0","id":"m","method":{}}`, "m"},
		{`{"jsonrpc":2,"id":6,"method":"ping"}`, 6.0},
		{`{"id":7,"method":"ping"}`, 7.0},
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, nil},
		{`{"jsonrpc":"2.0","method":1}`, nil},
		{`5`, nil},
		{`"ping"`, nil},
	} {
		m := w.send(c.line)
		if id, ok := m["id"]; code(m) != -32600 || !ok || id != c.id {
			t.Errorf("%s: got %v, want code -32600 and id %v", c.line, m, c.id)
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

// end closes the server's input and returns what it wrote after, once
// Run has returned (it must return nil).
func (w *wire) end() []map[string]any {
	w.t.Helper()
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
			w.t.Errorf("Run returned %v", err)
		}
	case <-time.After(30 * time.Second):
		w.t.Fatal("the server did not return when its input closed")
	}
	var msgs []map[string]any
	for line := range strings.Lines(<-extra) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			w.t.Fatalf("not a JSON message: %q", line)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// When the client goes (stdin closes), what it asked before is answered:
// a client may pipe its requests in and close (printf ... | ghost mcp).
func TestWireAnswersWhatCameBeforeItsInputEnded(t *testing.T) {
	// A grace no call here comes near, so that a slow machine fails
	// nothing; TestWireEndsWithItsInput sees it run out.
	w := serveWireGrace(t, 5*time.Minute)
	// In one write, as printf would: the answers are read only after.
	w.write(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list","arguments":{}}}` + "\n" +
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"run","arguments":{"command":"sleep 300","name":"piped"}}}`)
	byID := map[any]map[string]any{}
	for _, m := range w.end() {
		byID[m["id"]] = m
	}
	for _, id := range []float64{1, 2, 3} {
		if r, _ := byID[id]["result"].(map[string]any); r == nil || r["isError"] == true {
			t.Errorf("request %v after the input ended: %v", id, byID[id])
		}
	}
	tk, err := w.srv.e.Get(context.Background(), "piped")
	if err != nil || tk.Status != task.Running || tk.Origin != "mcp:raw" {
		t.Errorf("the piped run's task: %+v (%v)", tk, err)
	}
}

// A call still running when the grace after the input ended runs out (a
// long wait) is cancelled, unanswered, and Run returns; the task runs on.
func TestWireEndsWithItsInput(t *testing.T) {
	w := serveWireGrace(t, 0)
	w.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	m := w.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run","arguments":{"command":"sleep 300"}}}`)
	var out runOut
	b, _ := json.Marshal(m["result"].(map[string]any)["structuredContent"])
	if err := json.Unmarshal(b, &out); err != nil || out.Task.Origin != "mcp:raw" {
		t.Fatalf("run: %v", m)
	}
	w.write(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"wait","arguments":{"task":"` + out.Task.ID + `","timeout_s":600}}}`)
	eventually(t, "the wait to begin", func() bool { return w.srv.waits.Load() == 1 })
	if rest := w.end(); len(rest) != 0 {
		t.Errorf("written after the client went: %v", rest)
	}
	if w.srv.waits.Load() != 0 {
		t.Error("the wait still runs")
	}
	tk, err := w.srv.e.Get(context.Background(), out.Task.ID)
	if err != nil || tk.Status != task.Running {
		t.Errorf("the task is %v (%v) after the client went", tk.Status, err)
	}
}

// A failure worded for the client is still the error it words: one of a
// cancelled call is known as context.Canceled, and goes unanswered.
func TestFailureKeepsWhatItWords(t *testing.T) {
	s := New(Options{Describe: func(what string, err error) (string, string) { return "interrupted", "" }})
	err := s.failure("wait", fmt.Errorf("reading: %w", context.Canceled))
	if !errors.Is(err, context.Canceled) || err.Error() != "interrupted" {
		t.Errorf("failure: %q, canceled %v", err, errors.Is(err, context.Canceled))
	}
}

// Once Run has returned because its context ended, nothing more is
// written, whatever the reader still reads.
func TestNothingWrittenAfterRunReturns(t *testing.T) {
	e, err := engine.OpenDir(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	srv := New(Options{Version: "test", Engine: e})
	toServer, in := io.Pipe()
	defer in.Close()
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, toServer, &out) }()
	io.WriteString(in, `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
	eventually(t, "the ping's answer", func() bool { return out.Len() > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	before := out.Len()
	// Each write returns once the reader has taken it, so once the
	// second has, the first was handled.
	for _, line := range []string{`{"jsonrpc":"2.0","id":2,"method":"ping"}`, `not json`, `{"jsonrpc":"2.0","id":3,"method":"ping"}`} {
		if _, err := io.WriteString(in, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != before {
		t.Errorf("written after Run returned: %q", out.String())
	}
}

// lockedBuffer is a bytes.Buffer safe to write and read at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A line longer than 16 MiB is refused without being held, and the
// session goes on; one of 16 MiB is read.
func TestWireRefusesALineTooLarge(t *testing.T) {
	w := serveWire(t)
	w.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	ping := func(id string, size int) string {
		head := `{"jsonrpc":"2.0","id":` + id + `,"method":"ping","params":{"pad":"`
		tail := `"}}`
		return head + strings.Repeat("x", size-len(head)-len(tail)) + tail
	}
	m := w.send(ping("2", maxLine+1))
	e, _ := m["error"].(map[string]any)
	if msg, _ := e["message"].(string); code(m) != -32600 || m["id"] != nil || !strings.Contains(msg, "too large") {
		t.Errorf("a line of 16 MiB + 1 byte: %v", m)
	}
	if m := w.send(ping("3", maxLine)); code(m) != 1 || m["id"] != 3.0 {
		t.Errorf("a line of 16 MiB: %v", m)
	}
	if m := w.send(`{"jsonrpc":"2.0","id":4,"method":"ping"}`); code(m) != 1 || m["id"] != 4.0 {
		t.Errorf("a ping after: %v", m)
	}
}

// The line reader holds no more than its limit of a line however long,
// and reads the next line whole.
func TestLineReaderHoldsNoMoreThanItsLimit(t *testing.T) {
	long := io.MultiReader(strings.NewReader("short\n"), io.LimitReader(infinite('x'), 10<<20), strings.NewReader("\nlast"))
	r := &lineReader{r: bufio.NewReaderSize(long, 16), max: 1000}
	for _, want := range []struct {
		line    string
		tooLong bool
		err     error
	}{
		{"short\n", false, nil},
		{"", true, nil},
		{"last", false, io.EOF},
	} {
		line, tooLong, err := r.next()
		if string(line) != want.line || tooLong != want.tooLong || err != want.err {
			t.Errorf("next: %.20q %v %v, want %q %v %v", line, tooLong, err, want.line, want.tooLong, want.err)
		}
		if cap(r.buf) > 2*r.max {
			t.Errorf("holds %d bytes of a line, over its limit %d", cap(r.buf), r.max)
		}
	}
}

// infinite is an endless run of one byte.
type infinite byte

func (b infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// JSON-RPC batches are served to the protocol versions that have them
// (before 2025-06-18): each request answered, the answers as one array,
// the requests run concurrently; later versions, and a session before
// initialize, get an invalid-request error.
func TestWireBatches(t *testing.T) {
	for _, version := range []string{"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"} {
		t.Run(version, func(t *testing.T) {
			w := serveWire(t)
			if m := w.send(`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`); code(m) != -32600 || m["id"] != nil {
				t.Errorf("a batch before initialize: %v", m)
			}
			w.send(`{"jsonrpc":"2.0","id":"i","method":"initialize","params":{"protocolVersion":"` + version + `","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
			if m := w.send(`[]`); code(m) != -32600 || m["id"] != nil {
				t.Errorf("an empty batch: %v", m)
			}
			if m := w.send(`[{"jsonrpc":"2.0","id":1,"method":"ping"}`); code(m) != -32700 {
				t.Errorf("a batch cut short: %v", m)
			}
			if version >= batchVersion {
				if m := w.send(`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`); code(m) != -32600 || m["id"] != nil {
					t.Errorf("a batch: %v", m)
				}
				return
			}
			w.write(`[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},` +
				`{"jsonrpc":"2.0","id":"l","method":"tools/call","params":{"name":"list","arguments":{}}},` +
				`{"jsonrpc":"2.0","id":3,"method":"no/such"},5,{"jsonrpc":"2.0","id":4,"method":5}]`)
			answers := w.nextBatch()
			want := map[any]int{1.0: 1, "l": 1, 3.0: -32601, nil: -32600, 4.0: -32600}
			if len(answers) != len(want) {
				t.Errorf("%d answers, want %d: %v", len(answers), len(want), answers)
			}
			for _, a := range answers {
				if c, ok := want[a["id"]]; !ok || code(a) != c {
					t.Errorf("answer %v, want code %d", a, c)
				}
			}
			// Only notifications: nothing is written, and the next
			// answer is the ping's.
			w.write(`[{"jsonrpc":"2.0","method":"notifications/initialized"}]`)
			if m := w.send(`{"jsonrpc":"2.0","id":5,"method":"ping"}`); code(m) != 1 || m["id"] != 5.0 {
				t.Errorf("after a batch of notifications: %v", m)
			}
			// Concurrently: a wait for a task to end and its stop, in
			// that order, in one batch: run one after the other, the
			// wait would block for 600 s.
			m := w.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"run","arguments":{"command":"sleep 300","name":"batched"}}}`)
			if r, _ := m["result"].(map[string]any); r == nil || r["isError"] == true {
				t.Fatalf("run: %v", m)
			}
			w.write(`[{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"wait","arguments":{"task":"batched","timeout_s":600}}},` +
				`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"stop","arguments":{"task":"batched"}}}]`)
			answers = w.nextBatch()
			if len(answers) != 2 {
				t.Fatalf("wait and stop: %v", answers)
			}
			for _, a := range answers {
				r, _ := a["result"].(map[string]any)
				if r == nil || r["isError"] == true {
					t.Errorf("wait and stop: %v", a)
				} else if sc, _ := r["structuredContent"].(map[string]any); a["id"] == 7.0 && sc["done"] != true {
					t.Errorf("the wait: %v", sc)
				}
			}
		})
	}
}

// nextBatch reads the next line the server writes, which must be an
// array of answers.
func (w *wire) nextBatch() []map[string]any {
	w.t.Helper()
	line := w.nextLine()
	var ms []map[string]any
	if err := json.Unmarshal([]byte(line), &ms); err != nil {
		w.t.Fatalf("not a JSON array of answers on a line: %q (%v)", line, err)
	}
	return ms
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
