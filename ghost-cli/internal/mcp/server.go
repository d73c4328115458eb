// Package mcp is `ghost mcp`: ghost's tasks offered to coding agents as
// tools of the Model Context Protocol, over stdio (protocol.go). It is a
// face of the engine like the command line, and borrows the command
// line's words for failures (Options.Describe), so an agent reads what a
// person would.
//
// House rules for the tools:
//   - every tool has a typed input and output (schemas generated from the
//     Go types and refined in schemas_test.go, embedded as schemas.json),
//     and a short text for clients that ignore structured output;
//   - arguments the schema refuses, or that cannot mean anything
//     (a regex that does not compile, command and argv together), are
//     JSON-RPC invalid-params errors; a failure of the operation itself is
//     a tool error (isError) worded as the CLI words it;
//   - nothing returned holds bytes a JSON string cannot: output is made
//     valid UTF-8, and log positions are byte offsets, never text offsets.
package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// Options is what the command line hands the server.
type Options struct {
	// Version is ghost's version, announced to clients.
	Version string
	// Engine is the open data directory; the caller closes it.
	Engine *engine.Engine
	// Defaults is what a started task gets unless the call says otherwise:
	// the server's environment (Env), working directory (Cwd), log policy
	// and restart policy. Its Name, Command and Origin are ignored.
	Defaults engine.Spec
	// Describe words a failure of the operation what (a CLI command name)
	// as the command line would: the message, and a hint or "".
	Describe func(what string, err error) (msg, hint string)
}

// Server serves ghost's tools to one client at a time.
type Server struct {
	opts Options
	e    *engine.Engine

	schemas map[string]toolSchemas
	tools   map[string]*tool
	// info names the server; infoJSON is it encoded.
	info     implementation
	infoJSON json.RawMessage
	// toolList and discover are the answers to tools/list and
	// server/discover, which never change; stampJSON begins every result
	// of the stateless protocol.
	toolList, discover, stampJSON []byte

	mu sync.Mutex
	// started lists the tasks this server process started, oldest first:
	// what cleanup's session scope ends.
	started []string

	// waits counts the calls blocked in a wait: tests watch it return to
	// zero once the client cancels.
	waits atomic.Int32
	// grace is how long calls have to finish once the client has closed
	// stdin (closeGrace; tests shorten or lengthen it).
	grace time.Duration
}

// tool is one of ghost's tools, as tools/list shows it (the fields in the
// order the SDK wrote them), and its handler.
type tool struct {
	Annotations  annotations     `json:"annotations"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	Name         string          `json:"name"`
	OutputSchema json.RawMessage `json:"outputSchema"`
	Title        string          `json:"title,omitempty"`

	input  *schema
	handle func(ctx context.Context, c *call, args json.RawMessage) (any, error)
	// in and out are the Go types of the input and output, which
	// TestSchemasMatchTheGoTypes infers the schemas from.
	in, out reflect.Type
}

// annotations are a tool's hints to the client.
type annotations struct {
	DestructiveHint *bool `json:"destructiveHint,omitempty"`
	IdempotentHint  bool  `json:"idempotentHint"`
	OpenWorldHint   *bool `json:"openWorldHint,omitempty"`
	ReadOnlyHint    bool  `json:"readOnlyHint"`
}

// result is a tools/call result: text for people and clients that read
// only text, the structured output, and whether the operation failed.
type result struct {
	Content           []content       `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent,omitempty"`
	IsError           bool            `json:"isError,omitempty"`
}

// content is a piece of a result's text.
type content struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// New makes a server with every tool registered.
func New(o Options) *Server {
	s := &Server{opts: o, e: o.Engine, schemas: loadSchemas(), tools: map[string]*tool{}, grace: closeGrace}
	s.info = implementation{Name: "ghost", Title: "ghost", Version: o.Version}
	s.infoJSON = mustJSON(s.info)
	addRun(s)
	addList(s)
	addStatus(s)
	addLogs(s)
	addWait(s)
	addStop(s)
	addRestart(s)
	addRemove(s)
	addCleanup(s)
	for name := range s.schemas {
		if s.tools[name] == nil {
			panic("schemas.json: no tool " + name)
		}
	}
	list := make([]*tool, 0, len(s.tools))
	for _, t := range s.tools {
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b *tool) int { return strings.Compare(a.Name, b.Name) })
	s.toolList = mustJSON(struct {
		TTLMs      int     `json:"ttlMs"`
		CacheScope string  `json:"cacheScope"`
		Tools      []*tool `json:"tools"`
	}{0, "public", list})
	s.discover = mustJSON(struct {
		TTLMs             int             `json:"ttlMs"`
		CacheScope        string          `json:"cacheScope"`
		SupportedVersions []string        `json:"supportedVersions"`
		Capabilities      json.RawMessage `json:"capabilities"`
		Instructions      string          `json:"instructions,omitempty"`
	}{0, "public", protocolVersions, json.RawMessage(capabilities), instructions})
	s.stampJSON = []byte(`{"resultType":"complete","_meta":{"` + metaServerInfo + `":` + string(s.infoJSON) + `}`)
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// instructions tell an agent how the tools fit together.
const instructions = `ghost runs commands in the background and keeps them after this session: ` +
	`start a dev server or a long job with run (give it a name and a ready check; ` +
	`calling run again with the same name returns the running task instead of a second copy), ` +
	`read only new output with logs and its next_cursor, block with wait (never sleep), ` +
	`and end what you started with cleanup.`

// addTool registers a tool with typed input and output, whose schemas
// schemas.json holds. Arguments the input schema refuses are a JSON-RPC
// invalid-params error (not a tool error, which an agent takes for the
// tool failing); the output is encoded once, unchecked (64 KiB of log text
// is most of a logs call's time): tests validate every output against its
// schema instead.
func addTool[In, Out any](s *Server, t *tool, h func(context.Context, *call, In) (*result, Out, error)) {
	ts, ok := s.schemas[t.Name]
	if !ok {
		panic("schemas.json: no schemas for tool " + t.Name)
	}
	in, err := parseSchema(ts.Input)
	if err != nil {
		panic(fmt.Sprintf("schemas.json: tool %s: %v", t.Name, err))
	}
	t.input, t.InputSchema, t.OutputSchema = in, ts.Input, ts.Output
	t.in, t.out = reflect.TypeFor[In](), reflect.TypeFor[Out]()
	t.handle = func(ctx context.Context, c *call, raw json.RawMessage) (any, error) {
		args, err := arguments(t.Name, t.input, raw)
		if err != nil {
			return nil, err
		}
		var input In
		if err := json.Unmarshal(args, &input); err != nil {
			return nil, invalidParams("%s: %v", t.Name, err)
		}
		res, output, err := h(ctx, c, input)
		var rpc *rpcError
		switch {
		case errors.As(err, &rpc):
			return nil, rpc
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			return nil, err
		case err != nil:
			return errorResult(err.Error()), nil
		}
		structured, err := json.Marshal(output)
		if err != nil {
			return nil, fmt.Errorf("encoding %s output: %w", t.Name, err)
		}
		if res == nil {
			res = &result{}
		}
		res.StructuredContent = structured
		if res.Content == nil {
			res.Content = []content{{Type: "text", Text: string(structured)}}
		}
		return res, nil
	}
	s.tools[t.Name] = t
}

// arguments checks a call's arguments against the tool's input schema and
// returns them with the schema's defaults filled in.
func arguments(tool string, schema *schema, raw json.RawMessage) (json.RawMessage, error) {
	var args any = map[string]any{}
	if len(raw) > 0 && string(raw) != "null" {
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, invalidParams("%s: arguments must be an object: %v", tool, err)
		}
		args = obj
	}
	schema.applyDefaults(args)
	if err := schema.validate("arguments", args); err != nil {
		return nil, invalidParams("%s: %v", tool, err)
	}
	return json.Marshal(args)
}

// invalidParams is a JSON-RPC invalid-params error. A handler returns it
// as it is (not wrapped), so that it goes out as one.
func invalidParams(format string, args ...any) *rpcError {
	return &rpcError{Code: codeInvalidParams, Message: "invalid params: " + fmt.Sprintf(format, args...)}
}

// failure is a tool error worded as the command line words it: what is
// the CLI command name (rm for remove), err what went wrong.
func (s *Server) failure(what string, err error) error {
	var rpc *rpcError
	if errors.As(err, &rpc) {
		return rpc
	}
	msg, hint := what+": "+err.Error(), ""
	if s.opts.Describe != nil {
		msg, hint = s.opts.Describe(what, err)
	}
	if hint != "" {
		msg += "\nhint: " + hint
	}
	return &toolError{msg: valid(msg), err: err}
}

// toolError is a failure worded for the client, which keeps the error it
// words: a call that failed because it was cancelled (context.Canceled)
// is still known as one, and goes unanswered.
type toolError struct {
	msg string
	err error
}

func (e *toolError) Error() string { return e.msg }

// Unwrap returns the error worded.
func (e *toolError) Unwrap() error { return e.err }

// errorResult is a tool error that still carries structured output (a
// run that failed to become ready has a task and its log to show).
func errorResult(text string) *result {
	return &result{IsError: true, Content: []content{{Type: "text", Text: valid(text)}}}
}

// textResult is a result whose text content is text.
func textResult(text ...string) *result {
	r := &result{}
	for _, t := range text {
		r.Content = append(r.Content, content{Type: "text", Text: valid(t)})
	}
	return r
}

// origin is what the calling client's tasks record: mcp:<its name from
// initialize>.
func origin(c *call) string {
	name := ""
	if c != nil {
		name = c.client
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, valid(name))
	if len(name) > 64 {
		name = name[:64]
		for !utf8.ValidString(name) {
			name = name[:len(name)-1]
		}
	}
	if name == "" {
		return "mcp"
	}
	return "mcp:" + name
}

// remember records a task this server started, for cleanup.
func (s *Server) remember(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = append(s.started, id)
}

// session returns the tasks this server started.
func (s *Server) session() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.started...)
}

// find resolves a task reference as every command does.
func (s *Server) find(ctx context.Context, what, ref string) (task.Task, error) {
	if ref == "" {
		return task.Task{}, invalidParams("%s: task is empty: want an id, id prefix or name", what)
	}
	t, err := s.e.Get(ctx, ref)
	if err != nil {
		return task.Task{}, s.failure(what, err)
	}
	return t, nil
}

// valid returns s with every invalid UTF-8 sequence as U+FFFD: a JSON
// string holds text, not bytes.
func valid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
