package mcp

// The wire: JSON-RPC 2.0 over MCP's stdio transport, one message a line,
// written here with the standard library alone. The official Go SDK did
// this before; every ghost process (each task's monitor is a re-exec of the
// same binary) paid the initialisation of its ~100 packages (net/http,
// TLS, jsonschema), about 300 KiB of a monitor's memory. The SDK's client
// still drives every test of this package, as the conformance check; the
// answers follow what its server (v1.8.0) sent, method by method,
// protocol versions and error codes included, but for its code 0 (no
// JSON-RPC code) for a call before initialize or a second initialize:
// those are invalid requests (-32600) here.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Protocol versions, newest first: what server/discover offers. An
// initialize answers the client's version when it is one of these (older
// than 2026-07-28, which has no initialize), else 2025-11-25.
var protocolVersions = []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

const (
	// statelessVersion is the first version without initialize: each
	// request carries the protocol version and the client in its _meta.
	statelessVersion = "2026-07-28"
	// initializeVersion is what initialize answers a client whose version
	// it does not speak.
	initializeVersion = "2025-11-25"

	metaProtocolVersion    = "io.modelcontextprotocol/protocolVersion"
	metaClientInfo         = "io.modelcontextprotocol/clientInfo"
	metaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
	metaServerInfo         = "io.modelcontextprotocol/serverInfo"
	metaSubscriptionID     = "io.modelcontextprotocol/subscriptionId"
)

// JSON-RPC error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeInternalError  = -32603
	// codeUnsupportedVersion answers a stateless request of a protocol
	// version this server does not speak.
	codeUnsupportedVersion = -32022
)

// rpcError is a JSON-RPC error: what a request gets instead of a result.
type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return e.Message }

// message is any JSON-RPC message a client sends, each member as it came:
// a member of the wrong type is an invalid request, answered with the
// message's id, not a parse error.
type message struct {
	JSONRPC json.RawMessage `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  json.RawMessage `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// request is a request or a notification, checked: its method a string,
// its params nil when absent or null.
type request struct {
	Method string
	Params json.RawMessage
}

// implementation names a client or a server.
type implementation struct {
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Version string `json:"version"`
}

// call is one request as a tool handler sees it: who sent it.
type call struct {
	// client is the client's name, from initialize or from the request's
	// _meta.
	client string
}

const (
	// maxLine is the longest line read, in bytes, the SDK's limit
	// (DefaultMaxLineLength): a longer line is answered "too large" and
	// skipped without being held, so a client cannot make the server
	// hold more than this (a 300 MB line took 893 MiB before).
	maxLine = 16 << 20
	// closeGrace is how long calls received before the client closed
	// stdin have to finish on their own, and be answered: a client that
	// pipes its requests in and closes (printf ... | ghost mcp) gets its
	// answers, and a run it sent starts its task.
	closeGrace = 2 * time.Second
	// batchVersion is the first protocol version without JSON-RPC
	// batches; the versions before it require a server to accept them.
	batchVersion = "2025-06-18"
)

// conn is one client connected over a reader and a writer.
type conn struct {
	s   *Server
	out io.Writer
	// ctx ends when the connection does: every call's context derives
	// from it.
	ctx context.Context

	writeMu  sync.Mutex
	writeErr error
	// shut: the connection is closed and nothing more is written, not
	// even an answer a call finishes late.
	shut bool

	mu          sync.Mutex
	initialized bool   // initialize answered, or a stateless request seen
	client      string // the client's name
	version     string // the version initialize agreed on, "" before
	inflight    map[string]*flight
	closed      bool // no new calls: the connection is ending
	calls       sync.WaitGroup
}

// Run serves one client, reading requests from in and writing answers to
// out, until in ends (the client went away) or ctx does. Calls are
// answered concurrently (a wait does not hold up a list). When in ends,
// the calls already received have closeGrace (2 s) to finish and are
// answered as usual; then what still runs (a long wait) is cancelled and
// nothing more is written. When ctx ends, every call is cancelled at
// once, unanswered. Tasks keep running afterwards: they are background
// tasks.
func (s *Server) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := &conn{s: s, out: out, ctx: cctx, inflight: map[string]*flight{}}
	read := make(chan error, 1)
	go func() { read <- c.readLoop(in) }()
	var err error
	select {
	case err = <-read:
		// Nothing more comes in, so nothing adds to c.calls: waiting on
		// it here races no Add.
		idle := make(chan struct{})
		go func() {
			c.calls.Wait()
			close(idle)
		}()
		grace := time.NewTimer(s.grace)
		select {
		case <-idle:
		case <-grace.C:
		case <-ctx.Done():
		}
		grace.Stop()
	case <-ctx.Done():
	}
	c.close()
	cancel()
	c.calls.Wait()
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeErr
}

// close ends the connection: no call starts, nothing is written.
func (c *conn) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.writeMu.Lock()
	c.shut = true
	c.writeMu.Unlock()
}

// readLoop reads messages, one a line, until in ends.
func (c *conn) readLoop(in io.Reader) error {
	r := &lineReader{r: bufio.NewReaderSize(in, 64<<10), max: maxLine}
	for {
		line, tooLong, err := r.next()
		if tooLong {
			c.reply(nil, nil, &rpcError{Code: codeInvalidRequest, Message: fmt.Sprintf("invalid request: message too large: a line is at most %d MiB", maxLine>>20)})
		} else if line = bytes.TrimSpace(line); len(line) > 0 {
			c.receive(line)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading requests: %w", err)
		}
	}
}

// lineReader reads lines of at most max bytes (the newline aside),
// holding no more than that of a longer one.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

// next returns the next line, valid until the next call, or tooLong when
// it had more than max bytes (then it was read to its end and dropped);
// err is io.EOF once in has ended, with the last line if it had no
// newline.
func (l *lineReader) next() (line []byte, tooLong bool, err error) {
	if cap(l.buf) > 1<<20 {
		l.buf = nil // one big line does not keep its memory for good
	}
	l.buf = l.buf[:0]
	first := true
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			n := len(l.buf) + len(chunk)
			if err == nil {
				n-- // the newline
			}
			switch {
			case n > l.max:
				tooLong, l.buf = true, l.buf[:0]
			case first && !errors.Is(err, bufio.ErrBufferFull):
				return chunk, false, err // the usual line: no copy
			default:
				l.buf = append(l.buf, chunk...)
			}
		}
		first = false
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return nil, true, err
		}
		return l.buf, false, err
	}
}

// receive handles one line: a message, or a batch of them.
func (c *conn) receive(line []byte) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return // Run returned: nothing more is written
	}
	if line[0] == '[' {
		c.receiveBatch(line)
		return
	}
	c.handleMessage(line, nil)
}

// batch gathers the answers to the requests of one JSON-RPC batch, which
// go out together, as one array, once the last is answered.
type batch struct {
	mu      sync.Mutex
	answers []json.RawMessage
	// pending counts the calls not yet answered, and one for the reader
	// until it has seen every message.
	pending int
}

// receiveBatch handles a JSON-RPC batch: accepted for the protocol
// versions before 2025-06-18, which require it (a session that has not
// agreed on one yet gets none), each message handled as if it came alone.
func (c *conn) receiveBatch(line []byte) {
	var msgs []json.RawMessage
	if err := json.Unmarshal(line, &msgs); err != nil {
		c.reply(nil, nil, &rpcError{Code: codeParseError, Message: "parse error: " + err.Error()})
		return
	}
	if len(msgs) == 0 {
		c.reply(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: empty batch"})
		return
	}
	c.mu.Lock()
	version := c.version
	c.mu.Unlock()
	if version == "" || version >= batchVersion {
		why := "before initialize"
		if version != "" {
			why = "in " + batchVersion + " and later (session version: " + version + ")"
		}
		c.reply(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: JSON-RPC batching is not supported " + why})
		return
	}
	b := &batch{pending: 1}
	for _, m := range msgs {
		c.handleMessage(m, b)
	}
	c.settle(b)
}

// settle marks one of b's pending answers done, and writes them all when
// it was the last.
func (c *conn) settle(b *batch) {
	b.mu.Lock()
	b.pending--
	last, answers := b.pending == 0, b.answers
	b.mu.Unlock()
	if !last || len(answers) == 0 {
		return // nothing to answer: notifications, cancelled calls
	}
	c.writeRaw(mustJSON(answers))
}

// handleMessage handles one message: a request is answered (a call on
// its own goroutine), a notification acted on, a response ignored (this
// server sends no requests). The answers go out alone, or into b.
func (c *conn) handleMessage(line []byte, b *batch) {
	answer := func(id json.RawMessage, res any, err error) { c.answer(b, id, res, err) }
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		if json.Valid(line) {
			answer(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: a message is a JSON object"})
			return
		}
		answer(nil, nil, &rpcError{Code: codeParseError, Message: "parse error: " + err.Error()})
		return
	}
	id, key, ok := requestID(m.ID)
	if !ok {
		answer(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: id must be a string or a number"})
		return
	}
	if string(m.JSONRPC) != `"2.0"` {
		answer(id, nil, &rpcError{Code: codeInvalidRequest, Message: fmt.Sprintf("invalid request: jsonrpc is %s, want \"2.0\"", orAbsent(m.JSONRPC))})
		return
	}
	var r request
	if len(m.Method) > 0 && string(m.Method) != "null" {
		if err := json.Unmarshal(m.Method, &r.Method); err != nil {
			answer(id, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: method must be a string"})
			return
		}
	}
	if r.Method == "" {
		if id != nil && m.Result == nil && m.Error == nil {
			answer(id, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: no method"})
		}
		return // a response, or nothing
	}
	if id == nil && string(m.ID) == "null" {
		// MCP: "the ID MUST NOT be null"; a notification has no id at all.
		answer(nil, nil, &rpcError{Code: codeInvalidRequest, Message: "invalid request: id must not be null"})
		return
	}
	if string(m.Params) != "null" {
		r.Params = m.Params
	}
	if id == nil {
		c.notify(r)
		return
	}
	if r.Method == "initialize" {
		// Answered before the next line is read: nothing races it.
		res, err := c.handle(c.ctx, id, r)
		answer(id, res, err)
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	f := &flight{cancel: cancel}
	c.inflight[key] = f // a client reusing an id in flight cancels only the newer
	c.calls.Add(1)
	c.mu.Unlock()
	if b != nil {
		b.mu.Lock()
		b.pending++
		b.mu.Unlock()
	}
	go func() {
		defer c.calls.Done()
		res, err := c.handle(ctx, id, r)
		c.mu.Lock()
		cancelled := f.cancelled
		if c.inflight[key] == f {
			delete(c.inflight, key)
		}
		c.mu.Unlock()
		// Asked before cancel below ends ctx whatever happened: a
		// cancelled call is one the client cancelled, or one the
		// connection's end cancelled. Nobody reads its answer.
		if !cancelled && !(errors.Is(err, context.Canceled) && c.ctx.Err() != nil) {
			answer(id, res, err)
		}
		cancel()
		if b != nil {
			c.settle(b)
		}
	}()
}

// orAbsent is raw, or "absent" when it is.
func orAbsent(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "absent"
	}
	return string(raw)
}

// flight is a call being answered.
type flight struct {
	cancel context.CancelFunc
	// cancelled: the client cancelled it, and reads no answer.
	cancelled bool
}

// requestID checks a message's id: absent or null is nil (the caller
// tells them apart: a request's id must not be null), else a string or a
// number, returned as it came and as a key for notifications/cancelled.
func requestID(raw json.RawMessage) (json.RawMessage, string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "", true
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return nil, "", false
	}
	switch v := v.(type) {
	case string:
		return raw, "s" + v, true
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return nil, "", false
		}
		return raw, "n" + strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return nil, "", false
}

// notify acts on a notification; an unknown one is ignored, as the
// protocol asks.
func (c *conn) notify(m request) {
	switch m.Method {
	case "notifications/cancelled":
		var p struct {
			RequestID json.RawMessage `json:"requestId"`
		}
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
		_, key, ok := requestID(p.RequestID)
		if !ok || key == "" {
			return
		}
		c.mu.Lock()
		if f := c.inflight[key]; f != nil {
			f.cancelled = true
			f.cancel()
			delete(c.inflight, key)
		}
		c.mu.Unlock()
	case "notifications/initialized":
		// initialize did all there is to do.
	}
}

// handle answers one request.
func (c *conn) handle(ctx context.Context, id json.RawMessage, m request) (any, error) {
	meta, err := stateless(m.Params)
	if err != nil {
		return nil, err
	}
	switch m.Method {
	case "notifications/initialized", "notifications/cancelled":
		return nil, &rpcError{Code: codeInvalidRequest, Message: fmt.Sprintf("invalid request: unexpected id for %q", m.Method)}
	case "initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe":
		if meta != nil {
			return nil, methodNotFound(m.Method) // not in the stateless protocol
		}
	case "server/discover":
		if meta == nil {
			return nil, methodNotFound(m.Method)
		}
	default:
		c.mu.Lock()
		initialized := c.initialized
		if !initialized && meta != nil {
			c.initialized, c.client, initialized = true, meta.client, true
		}
		c.mu.Unlock()
		if !initialized {
			return nil, &rpcError{Code: codeInvalidRequest, Message: fmt.Sprintf("invalid request: method %q is invalid during session initialization", m.Method)}
		}
	}
	res, err := c.method(ctx, id, m, meta)
	if err != nil || meta == nil {
		return res, err
	}
	return c.s.stamp(res)
}

// method runs a request's method.
func (c *conn) method(ctx context.Context, id json.RawMessage, m request, meta *requestMeta) (any, error) {
	switch m.Method {
	case "initialize":
		return c.initialize(m.Params)
	case "server/discover":
		c.mu.Lock()
		c.initialized = true
		if c.client == "" {
			c.client = meta.client
		}
		c.mu.Unlock()
		return json.RawMessage(c.s.discover), nil
	case "ping":
		return json.RawMessage("{}"), nil
	case "tools/list":
		var p struct {
			Cursor string `json:"cursor"`
		}
		if m.Params != nil && json.Unmarshal(m.Params, &p) != nil || p.Cursor != "" {
			return nil, &rpcError{Code: codeInvalidParams, Message: "invalid params"} // one page: no cursor is ours
		}
		return json.RawMessage(c.s.toolList), nil
	case "tools/call":
		if m.Params == nil {
			return nil, missingParams()
		}
		var p callParams
		if err := decodeObject(m.Params, &p); err != nil {
			return nil, invalidParams("tools/call: %v", err)
		}
		t, ok := c.s.tools[p.Name]
		if !ok {
			return nil, &rpcError{Code: codeInvalidParams, Message: fmt.Sprintf("unknown tool %q", p.Name)}
		}
		cl := &call{client: c.clientName()}
		if meta != nil && meta.client != "" {
			cl.client = meta.client
		}
		return t.handle(ctx, cl, p.Arguments)
	case "resources/list":
		return json.RawMessage(`{"ttlMs":0,"cacheScope":"public","resources":[]}`), nil
	case "resources/templates/list":
		return json.RawMessage(`{"ttlMs":0,"cacheScope":"public","resourceTemplates":[]}`), nil
	case "prompts/list":
		return json.RawMessage(`{"ttlMs":0,"cacheScope":"public","prompts":[]}`), nil
	case "logging/setLevel":
		if m.Params == nil {
			return nil, missingParams()
		}
		return json.RawMessage("{}"), nil
	case "subscriptions/listen":
		// Nothing of ghost's changes its list: acknowledge none, end at once.
		if m.Params == nil {
			return nil, missingParams()
		}
		var p struct {
			Notifications json.RawMessage `json:"notifications"`
		}
		if json.Unmarshal(m.Params, &p) != nil || p.Notifications == nil || string(p.Notifications) == "null" {
			return nil, invalidParams("missing required 'notifications' field")
		}
		c.write(struct {
			JSONRPC string `json:"jsonrpc"`
			Method  string `json:"method"`
			Params  any    `json:"params"`
		}{"2.0", "notifications/subscriptions/acknowledged", map[string]any{
			"_meta": map[string]json.RawMessage{metaSubscriptionID: id}, "notifications": struct{}{},
		}})
		res := map[string]any{"_meta": map[string]any{metaSubscriptionID: id}}
		if meta != nil {
			res = map[string]any{"resultType": "complete", "_meta": map[string]any{metaSubscriptionID: id, metaServerInfo: c.s.info}}
		}
		b, err := json.Marshal(res)
		return stamped(b), err
	}
	return nil, methodNotFound(m.Method)
}

// initialize answers the legacy handshake.
func (c *conn) initialize(params json.RawMessage) (any, error) {
	if params == nil {
		return nil, missingParams()
	}
	var p initializeParams
	if err := decodeObject(params, &p); err != nil {
		return nil, invalidParams("initialize: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.initialized {
		return nil, &rpcError{Code: codeInvalidRequest, Message: `invalid request: duplicate "initialize" received`}
	}
	c.initialized = true
	if p.ClientInfo != nil {
		c.client = p.ClientInfo.Name
	}
	version := initializeVersion
	if slices.Contains(protocolVersions, p.ProtocolVersion) && p.ProtocolVersion < statelessVersion {
		version = p.ProtocolVersion
	}
	c.version = version
	return struct {
		Capabilities    json.RawMessage `json:"capabilities"`
		Instructions    string          `json:"instructions,omitempty"`
		ProtocolVersion string          `json:"protocolVersion"`
		ServerInfo      implementation  `json:"serverInfo"`
	}{json.RawMessage(capabilities), instructions, version, c.s.info}, nil
}

// initializeParams are what initialize reads of its params.
type initializeParams struct {
	ProtocolVersion string          `json:"protocolVersion"`
	ClientInfo      *implementation `json:"clientInfo"`
}

// callParams are the params of tools/call.
type callParams struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// decodeObject decodes params, which must be a JSON object, into v.
func decodeObject(params json.RawMessage, v any) error {
	if b := bytes.TrimSpace(params); len(b) == 0 || b[0] != '{' {
		return errors.New("params must be an object")
	}
	return json.Unmarshal(params, v)
}

func (c *conn) clientName() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.client
}

// capabilities are what the server offers: tools, whose list never
// changes.
const capabilities = `{"tools":{}}`

// requestMeta is what a request of the stateless protocol (2026-07-28 on)
// says of its client in its _meta.
type requestMeta struct {
	version string
	client  string
}

// stateless returns the _meta of a stateless request, or nil for a
// request of the legacy protocol (no protocol version in its _meta).
func stateless(params json.RawMessage) (*requestMeta, error) {
	if params == nil {
		return nil, nil
	}
	var p struct {
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	if json.Unmarshal(params, &p) != nil || p.Meta == nil {
		return nil, nil
	}
	var version string
	if json.Unmarshal(p.Meta[metaProtocolVersion], &version) != nil || version < statelessVersion {
		return nil, nil
	}
	meta := &requestMeta{version: version}
	if raw, ok := p.Meta[metaClientInfo]; ok {
		var info *implementation
		if err := json.Unmarshal(raw, &info); err != nil || info == nil {
			return nil, &rpcError{Code: codeInvalidParams, Message: fmt.Sprintf("invalid _meta field %q", metaClientInfo)}
		}
		meta.client = info.Name
	}
	var caps map[string]json.RawMessage
	if err := json.Unmarshal(p.Meta[metaClientCapabilities], &caps); err != nil || caps == nil {
		return nil, &rpcError{Code: codeInvalidParams, Message: fmt.Sprintf("missing or invalid _meta field %q", metaClientCapabilities)}
	}
	if !slices.Contains(protocolVersions, version) {
		data, _ := json.Marshal(struct {
			Supported []string `json:"supported"`
			Requested string   `json:"requested"`
		}{protocolVersions, version})
		return nil, &rpcError{Code: codeUnsupportedVersion, Message: "unsupported protocol version", Data: data}
	}
	return meta, nil
}

// stamp marks a result of the stateless protocol as complete and names the
// server in its _meta, as that protocol asks of every result. The result
// is copied, not decoded again: a logs call carries 64 KiB of text.
func (s *Server) stamp(res any) (any, error) {
	if r, ok := res.(stamped); ok {
		return json.RawMessage(r), nil
	}
	b, ok := res.(json.RawMessage)
	if !ok {
		var err error
		if b, err = json.Marshal(res); err != nil {
			return nil, err
		}
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, fmt.Errorf("a result is not an object: %.40s", b)
	}
	out := make([]byte, 0, len(b)+len(s.stampJSON)+1)
	out = append(out, s.stampJSON...)
	if body := bytes.TrimSpace(b[1 : len(b)-1]); len(body) > 0 {
		out = append(out, ',')
		out = append(out, body...)
	}
	return json.RawMessage(append(out, '}')), nil
}

// stamped is a result that carries its own _meta, stamped already.
type stamped json.RawMessage

// MarshalJSON returns r as it is.
func (r stamped) MarshalJSON() ([]byte, error) { return r, nil }

// reply writes the answer to request id on its own line.
func (c *conn) reply(id json.RawMessage, res any, err error) {
	c.answer(nil, id, res, err)
}

// answer gives the answer to request id, res or err as a JSON-RPC error,
// to batch b, or writes it when b is nil.
func (c *conn) answer(b *batch, id json.RawMessage, res any, err error) {
	msg := encodeAnswer(id, res, err)
	if b == nil {
		c.writeRaw(msg)
		return
	}
	b.mu.Lock()
	b.answers = append(b.answers, msg)
	b.mu.Unlock()
}

// encodeAnswer is the answer to request id (null when nil): res, or err
// as a JSON-RPC error (an error of no JSON-RPC kind is an internal
// error).
func encodeAnswer(id json.RawMessage, res any, err error) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	var b []byte
	if err == nil {
		b, err = json.Marshal(struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Result  any             `json:"result"`
		}{"2.0", id, res})
		if err == nil {
			return b
		}
		err = fmt.Errorf("encoding the answer: %w", err)
	}
	var rpc *rpcError
	if !errors.As(err, &rpc) {
		rpc = &rpcError{Code: codeInternalError, Message: err.Error()}
	}
	return mustJSON(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *rpcError       `json:"error"`
	}{"2.0", id, rpc})
}

// write sends one message whole, on its own line.
func (c *conn) write(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = encodeAnswer(nil, nil, fmt.Errorf("encoding a message: %w", err))
	}
	c.writeRaw(b)
}

// writeRaw sends one encoded message, on its own line, unless the
// connection is closed: then nothing more goes out, whoever finishes late.
func (c *conn) writeRaw(b []byte) {
	b = append(b, '\n')
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.shut || c.writeErr != nil {
		return
	}
	if _, err := c.out.Write(b); err != nil {
		c.writeErr = fmt.Errorf("writing answers: %w", err)
	}
}

func methodNotFound(method string) *rpcError {
	return &rpcError{Code: codeMethodNotFound, Message: fmt.Sprintf("method not found: %q", method)}
}

func missingParams() *rpcError {
	return &rpcError{Code: codeInvalidRequest, Message: `invalid request: missing required "params"`}
}
