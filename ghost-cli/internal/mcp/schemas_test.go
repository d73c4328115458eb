package mcp

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/ghostproject/ghost/ghost-core/task"
)

var update = flag.Bool("update", false, "rewrite schemas.json from the Go types")

// refinements add to each tool's input schema, as inferred from its Go
// type, what a type cannot say: bounds, enums, defaults, patterns.
var refinements = map[string]func(in *jsonschema.Schema){
	"run": func(in *jsonschema.Schema) {
		prop(in, "argv").MinItems = ptr(1)
		prop(in, "if_exists").Enum = []any{"reuse", "replace", "error"}
		setDefault(in, "if_exists", "reuse")
		prop(in, "restart").Enum = []any{string(task.RestartNo), string(task.RestartOnFailure), string(task.RestartAlways)}
		prop(in, "max_restarts").Minimum = ptr(float64(task.UnlimitedRestarts))
		refineReady(prop(in, "ready"))
	},
	"list": func(in *jsonschema.Schema) {
		prop(in, "status").Items.Enum = []any{"running", "restarting", "exited", "killed", "unknown", "finished"}
		prop(in, "limit").Minimum = ptr(1.0)
		prop(in, "limit").Maximum = ptr(10000.0)
		setDefault(in, "limit", 100)
	},
	"logs": func(in *jsonschema.Schema) {
		prop(in, "tail").Minimum = ptr(0.0)
		prop(in, "cursor").Pattern = "^[0-9]+$"
		prop(in, "max_bytes").Minimum = ptr(1.0)
		prop(in, "max_bytes").Maximum = ptr(float64(16 << 20))
		setDefault(in, "max_bytes", defaultMaxBytes)
		setDefault(in, "strip_ansi", true)
	},
	"wait": func(in *jsonschema.Schema) {
		prop(in, "until").Enum = []any{"exit", "ready", "log"}
		setDefault(in, "until", "exit")
		prop(in, "cursor").Pattern = "^[0-9]+$"
		prop(in, "timeout_s").Minimum = ptr(0.0)
		prop(in, "timeout_s").Maximum = ptr(float64(maxTimeout / time.Second))
		setDefault(in, "timeout_s", 60)
		refineReady(prop(in, "ready"))
	},
	"stop":    refineGrace,
	"restart": refineGrace,
	"cleanup": func(in *jsonschema.Schema) {
		prop(in, "scope").Enum = []any{"session", "all_finished"}
		setDefault(in, "scope", "session")
	},
}

// refineReady sets the bounds of a readiness check's schema.
func refineReady(r *jsonschema.Schema) {
	prop(r, "port").Minimum = ptr(1.0)
	prop(r, "port").Maximum = ptr(65535.0)
	prop(r, "timeout_s").Minimum = ptr(0.0)
	prop(r, "timeout_s").Maximum = ptr(float64(maxTimeout / time.Second))
	// No schema default here: a client may make the whole object up for
	// it, and a readiness check nobody asked for. 0 stands for 60.
}

// refineGrace bounds a timeout_s between SIGTERM and SIGKILL.
func refineGrace(in *jsonschema.Schema) {
	prop(in, "timeout_s").Minimum = ptr(0.0)
	prop(in, "timeout_s").Maximum = ptr(float64(maxTimeout / time.Second))
	setDefault(in, "timeout_s", stopGrace/time.Second)
}

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

// inferSchemas infers every tool's schemas from its Go types, as the SDK
// did when it served the tools, and encodes them as schemas.json holds
// them.
func inferSchemas(t *testing.T) []byte {
	t.Helper()
	srv := New(Options{Version: "test"})
	all := map[string]map[string]*jsonschema.Schema{}
	for name, tl := range srv.tools {
		in, err := jsonschema.ForType(tl.in, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if refine := refinements[name]; refine != nil {
			refine(in)
		}
		// As the SDK checked them when it added a tool.
		if _, err := in.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true}); err != nil {
			t.Fatalf("%s: input schema: %v", name, err)
		}
		out, err := jsonschema.ForType(tl.out, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := out.Resolve(nil); err != nil {
			t.Fatalf("%s: output schema: %v", name, err)
		}
		all[name] = map[string]*jsonschema.Schema{"input": in, "output": out}
	}
	for name := range refinements {
		if all[name] == nil {
			t.Errorf("refinements of tool %s, which does not exist", name)
		}
	}
	b, err := json.MarshalIndent(all, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// The schemas the server sends are the Go types' (with their
// refinements): a field added to an input or output changes them, and
// `go test -run TestSchemasMatchTheGoTypes -update` writes them again.
func TestSchemasMatchTheGoTypes(t *testing.T) {
	want := inferSchemas(t)
	if *update {
		if err := os.WriteFile("schemas.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	// A Windows checkout may have turned the line ends into CRLF.
	have := bytes.ReplaceAll(schemasJSON, []byte("\r\n"), []byte("\n"))
	if !bytes.Equal(have, want) {
		t.Errorf("schemas.json differs from the schemas of the Go types: run go test -run TestSchemasMatchTheGoTypes -update in ghost-cli/internal/mcp, and review the diff\n%s", firstDifference(have, want))
	}
}

// firstDifference shows where a and b first differ, with some context.
func firstDifference(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return "schemas.json: ..." + string(a[from:min(len(a), i+100)]) + "\ninferred:     ..." + string(b[from:min(len(b), i+100)])
}

var outputs = struct {
	once sync.Once
	m    map[string]*jsonschema.Resolved
	err  error
}{}

// outputSchema is tool's output schema, from schemas.json, resolved with
// jsonschema-go, to check what the server returns.
func outputSchema(t testing.TB, tool string) *jsonschema.Resolved {
	t.Helper()
	outputs.once.Do(func() {
		var all map[string]struct {
			Output *jsonschema.Schema `json:"output"`
		}
		if outputs.err = json.Unmarshal(schemasJSON, &all); outputs.err != nil {
			return
		}
		outputs.m = map[string]*jsonschema.Resolved{}
		for name, ts := range all {
			r, err := ts.Output.Resolve(nil)
			if err != nil {
				outputs.err = err
				return
			}
			outputs.m[name] = r
		}
	})
	if outputs.err != nil || outputs.m[tool] == nil {
		t.Fatalf("output schema of %s: %v", tool, outputs.err)
	}
	return outputs.m[tool]
}

// The server's own argument check accepts and refuses what jsonschema-go,
// which the SDK checked arguments with, does with the same schema and
// defaults, keyword by keyword.
func TestArgumentsAreCheckedAsJSONSchemaDoes(t *testing.T) {
	srv := New(Options{Version: "test"})
	for _, c := range []struct {
		tool, args string
		ok         bool
	}{
		{"list", `{}`, true},
		{"list", `null`, true},
		{"list", `{"limit":5}`, true},
		{"list", `{"limit":5.0}`, true},
		{"list", `{"limit":5.5}`, false},
		{"list", `{"limit":0}`, false},
		{"list", `{"limit":10001}`, false},
		{"list", `{"limit":"5"}`, false},
		{"list", `{"limit":null}`, false},
		{"list", `{"status":null}`, true},
		{"list", `{"status":["running","finished"]}`, true},
		{"list", `{"status":["sleeping"]}`, false},
		{"list", `{"status":"running"}`, false},
		{"list", `{"bogus":true}`, false},
		{"status", `{}`, false},
		{"status", `{"task":"x"}`, true},
		{"status", `{"task":7}`, false},
		{"run", `{"argv":[]}`, false},
		{"run", `{"argv":["true"]}`, true},
		{"run", `{"argv":[1]}`, false},
		{"run", `{"env":{"A":"1"}}`, true},
		{"run", `{"env":{"A":1}}`, false},
		{"run", `{"env":null}`, false},
		{"run", `{"ready":null}`, true},
		{"run", `{"ready":{"port":0}}`, false},
		{"run", `{"ready":{"port":80,"extra":1}}`, false},
		{"run", `{"ready":{"timeout_s":0.5}}`, true},
		{"run", `{"if_exists":"maybe"}`, false},
		{"run", `{"max_restarts":-1}`, true},
		{"run", `{"max_restarts":-2}`, false},
		{"logs", `{"task":"x","cursor":"12"}`, true},
		{"logs", `{"task":"x","cursor":"1a"}`, false},
		{"logs", `{"task":"x","tail":-1}`, false},
		{"logs", `{"task":"x","strip_ansi":"yes"}`, false},
		{"wait", `{"task":"x","timeout_s":600}`, true},
		{"wait", `{"task":"x","timeout_s":600.5}`, false},
		{"wait", `{"task":"x","until":"ready"}`, true},
		{"stop", `{"task":"x","force":1}`, false},
		{"cleanup", `{"scope":"all_finished"}`, true},
	} {
		own, ownErr := arguments(c.tool, srv.tools[c.tool].input, json.RawMessage(c.args))
		if (ownErr == nil) != c.ok {
			t.Errorf("%s %s: accepted %v (%v), want %v", c.tool, c.args, ownErr == nil, ownErr, c.ok)
		}
		// jsonschema-go, as the SDK called it.
		var in jsonschema.Schema
		if err := json.Unmarshal(srv.schemas[c.tool].Input, &in); err != nil {
			t.Fatal(err)
		}
		resolved, err := in.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true})
		if err != nil {
			t.Fatal(err)
		}
		args := map[string]any{}
		if c.args != "null" {
			json.Unmarshal([]byte(c.args), &args)
		}
		theirErr := resolved.ApplyDefaults(&args)
		if theirErr == nil {
			theirErr = resolved.Validate(&args)
		}
		if (theirErr == nil) != (ownErr == nil) {
			t.Errorf("%s %s: ours says %v, jsonschema-go %v", c.tool, c.args, ownErr, theirErr)
		}
		if ownErr == nil {
			theirs, _ := json.Marshal(args)
			if !sameJSON(own, theirs) {
				t.Errorf("%s %s: with defaults %s, jsonschema-go %s", c.tool, c.args, own, theirs)
			}
		}
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	p, _ := json.Marshal(x)
	q, _ := json.Marshal(y)
	return string(p) == string(q)
}
