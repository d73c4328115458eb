// Package mcp is `ghost mcp`: ghost's tasks offered to coding agents as
// tools of the Model Context Protocol, over the official Go SDK. It is a
// face of the engine like the command line, and borrows the command
// line's words for failures (Options.Describe), so an agent reads what a
// person would.
//
// House rules for the tools:
//   - every tool has a typed input and output (schemas generated from the
//     Go types, refined where the tool is added), and a short text for
//     clients that ignore structured output;
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
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

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
	sdk  *sdk.Server

	// outputs holds each tool's resolved output schema, for tests.
	outputs map[string]*jsonschema.Resolved

	mu sync.Mutex
	// started lists the tasks this server process started, oldest first:
	// what cleanup's session scope ends.
	started []string

	// waits counts the calls blocked in a wait: tests watch it return to
	// zero once the client cancels.
	waits atomic.Int32
}

// New makes a server with every tool registered.
func New(o Options) *Server {
	s := &Server{opts: o, e: o.Engine, outputs: map[string]*jsonschema.Resolved{}}
	s.sdk = sdk.NewServer(&sdk.Implementation{Name: "ghost", Title: "ghost", Version: o.Version}, &sdk.ServerOptions{
		Instructions: instructions,
		Capabilities: &sdk.ServerCapabilities{Tools: &sdk.ToolCapabilities{}},
	})
	addRun(s)
	addList(s)
	addStatus(s)
	addLogs(s)
	addWait(s)
	addStop(s)
	addRestart(s)
	addRemove(s)
	addCleanup(s)
	return s
}

// instructions tell an agent how the tools fit together.
const instructions = `ghost runs commands in the background and keeps them after this session: ` +
	`start a dev server or a long job with run (give it a name and a ready check; ` +
	`calling run again with the same name returns the running task instead of a second copy), ` +
	`read only new output with logs and its next_cursor, block with wait (never sleep), ` +
	`and end what you started with cleanup.`

// Run serves one client over t until it goes away (stdin closes) or ctx
// ends. Tasks keep running afterwards: they are background tasks.
func (s *Server) Run(ctx context.Context, t sdk.Transport) error {
	err := s.sdk.Run(ctx, t)
	if errors.Is(err, context.Canceled) || errors.Is(err, sdk.ErrConnectionClosed) {
		return nil
	}
	return err
}

// SDK is the underlying SDK server, for tests that connect it to an
// in-memory transport.
func (s *Server) SDK() *sdk.Server { return s.sdk }

// addTool registers a tool with typed input and output, their schemas
// generated from In and Out (the input's refined by refine). It does what
// the SDK's generic AddTool does, with two differences that matter here:
// arguments the schema refuses are a JSON-RPC invalid-params error (the
// SDK's would be a tool error, which an agent takes for the tool failing),
// and the output is encoded once, not encoded, decoded, validated and
// encoded again (64 KiB of log text is most of a logs call's time). Tests
// validate every output against its schema instead.
func addTool[In, Out any](s *Server, tool *sdk.Tool, refine func(in *jsonschema.Schema), h func(context.Context, *sdk.CallToolRequest, In) (*sdk.CallToolResult, Out, error)) {
	in, err := jsonschema.For[In](nil)
	if err != nil {
		panic(fmt.Sprintf("tool %s: %v", tool.Name, err))
	}
	if refine != nil {
		refine(in)
	}
	inResolved, err := in.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true})
	if err != nil {
		panic(fmt.Sprintf("tool %s: %v", tool.Name, err))
	}
	out, err := jsonschema.For[Out](nil)
	if err != nil {
		panic(fmt.Sprintf("tool %s: %v", tool.Name, err))
	}
	outResolved, err := out.Resolve(nil)
	if err != nil {
		panic(fmt.Sprintf("tool %s: %v", tool.Name, err))
	}
	tool.InputSchema, tool.OutputSchema = in, out
	s.outputs[tool.Name] = outResolved
	s.sdk.AddTool(tool, func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		args, err := arguments(tool.Name, inResolved, req.Params.Arguments)
		if err != nil {
			return nil, err
		}
		var input In
		if err := json.Unmarshal(args, &input); err != nil {
			return nil, invalidParams("%s: %v", tool.Name, err)
		}
		res, output, err := h(ctx, req, input)
		var rpc *jsonrpc.Error
		switch {
		case errors.As(err, &rpc):
			return nil, rpc
		case err != nil:
			return errorResult(err.Error()), nil
		}
		structured, err := json.Marshal(output)
		if err != nil {
			return nil, fmt.Errorf("encoding %s output: %w", tool.Name, err)
		}
		if res == nil {
			res = &sdk.CallToolResult{}
		}
		res.StructuredContent = json.RawMessage(structured)
		if res.Content == nil {
			res.Content = []sdk.Content{&sdk.TextContent{Text: string(structured)}}
		}
		return res, nil
	})
}

// arguments checks a call's arguments against the tool's input schema and
// returns them with the schema's defaults filled in.
func arguments(tool string, schema *jsonschema.Resolved, raw json.RawMessage) (json.RawMessage, error) {
	args := map[string]any{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &args); err != nil {
			return nil, invalidParams("%s: arguments must be an object: %v", tool, err)
		}
	}
	if err := schema.ApplyDefaults(&args); err != nil {
		return nil, invalidParams("%s: %v", tool, err)
	}
	if err := schema.Validate(&args); err != nil {
		return nil, invalidParams("%s: %v", tool, err)
	}
	return json.Marshal(args)
}

// invalidParams is a JSON-RPC invalid-params error. A handler returns it
// as it is (not wrapped), so that the SDK sends it as one.
func invalidParams(format string, args ...any) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "invalid params: " + fmt.Sprintf(format, args...)}
}

// failure is a tool error worded as the command line words it: what is
// the CLI command name (rm for remove), err what went wrong.
func (s *Server) failure(what string, err error) error {
	var rpc *jsonrpc.Error
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
	return errors.New(valid(msg))
}

// errorResult is a tool error that still carries structured output (a
// run that failed to become ready has a task and its log to show).
func errorResult(text string) *sdk.CallToolResult {
	return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: valid(text)}}}
}

// textResult is a result whose text content is text.
func textResult(text ...string) *sdk.CallToolResult {
	r := &sdk.CallToolResult{}
	for _, t := range text {
		r.Content = append(r.Content, &sdk.TextContent{Text: valid(t)})
	}
	return r
}

// origin is what the calling client's tasks record: mcp:<its name from
// initialize>.
func origin(req *sdk.CallToolRequest) string {
	name := ""
	if req != nil && req.Session != nil {
		if p := req.Session.InitializeParams(); p != nil && p.ClientInfo != nil {
			name = p.ClientInfo.Name
		}
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

// ptr returns a pointer to v, for schema fields.
func ptr[T any](v T) *T { return &v }

// prop is the property name of schema s, which must exist.
func prop(s *jsonschema.Schema, name string) *jsonschema.Schema {
	p, ok := s.Properties[name]
	if !ok {
		panic("no property " + name)
	}
	return p
}

// setDefault gives property name of s the default v.
func setDefault(s *jsonschema.Schema, name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	prop(s, name).Default = b
}
