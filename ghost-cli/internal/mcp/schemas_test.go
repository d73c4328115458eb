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
