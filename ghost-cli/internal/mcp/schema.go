package mcp

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// schemasJSON holds each tool's input and output schema, as tools/list
// shows them. TestSchemasMatchTheGoTypes infers them from the Go types (and
// the refinements beside it) and fails when this file differs; `go test
// -run TestSchemasMatchTheGoTypes -update` rewrites it.
//
//go:embed schemas.json
var schemasJSON []byte

// toolSchemas are a tool's schemas, as JSON.
type toolSchemas struct {
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

// loadSchemas reads the embedded schemas, compacted as tools/list sends
// them.
func loadSchemas() map[string]toolSchemas {
	var all map[string]toolSchemas
	if err := json.Unmarshal(schemasJSON, &all); err != nil {
		panic("schemas.json: " + err.Error())
	}
	for name, ts := range all {
		all[name] = toolSchemas{Input: compact(ts.Input), Output: compact(ts.Output)}
	}
	return all
}

func compact(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		panic("schemas.json: " + err.Error())
	}
	return buf.Bytes()
}

// schema is the part of JSON Schema the tools' input schemas use, which
// is what arguments are checked against: an unknown keyword fails
// parseSchema, so that a refinement added later cannot go unchecked.
type schema struct {
	Type                 schemaType         `json:"type"`
	Description          string             `json:"description"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	Enum                 []any              `json:"enum"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
	MinItems             *int               `json:"minItems"`
	Pattern              string             `json:"pattern"`
	Default              json.RawMessage    `json:"default"`

	// closed: additionalProperties is false; extra is its schema otherwise.
	closed  bool
	extra   *schema
	pattern *regexp.Regexp
	// def is Default decoded.
	def any
}

// schemaType is "type": one name or a list of them.
type schemaType []string

func (t *schemaType) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = schemaType{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

// parseSchema reads an input schema.
func parseSchema(b []byte) (*schema, error) {
	var s schema
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return nil, err
	}
	return &s, s.prepare()
}

// prepare decodes what the keywords hold, in s and below it.
func (s *schema) prepare() error {
	switch a := string(bytes.TrimSpace(s.AdditionalProperties)); a {
	case "", "true":
	case "false":
		s.closed = true
	default:
		extra, err := parseSchema(s.AdditionalProperties)
		if err != nil {
			return fmt.Errorf("additionalProperties: %w", err)
		}
		s.extra = extra
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return err
		}
		s.pattern = re
	}
	if s.Default != nil {
		if err := json.Unmarshal(s.Default, &s.def); err != nil {
			return err
		}
	}
	for name, p := range s.Properties {
		if err := p.prepare(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if s.Items != nil {
		return s.Items.prepare()
	}
	return nil
}

// applyDefaults gives every property of v that s has a default for and v
// lacks its default, in v and in the objects v holds.
func (s *schema) applyDefaults(v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	for name, p := range s.Properties {
		if cur, ok := obj[name]; ok {
			p.applyDefaults(cur)
		} else if p.Default != nil {
			obj[name] = p.def
		}
	}
}

// validate checks v, decoded from JSON, against s; at names where v is.
func (s *schema) validate(at string, v any) error {
	if len(s.Type) > 0 && !slices.ContainsFunc(s.Type, func(t string) bool { return hasType(v, t) }) {
		return fmt.Errorf("%s: want %s, got %s", at, strings.Join(s.Type, " or "), typeOf(v))
	}
	if s.Enum != nil && !slices.Contains(s.Enum, v) {
		want, _ := json.Marshal(s.Enum)
		return fmt.Errorf("%s: %s is not one of %s", at, show(v), want)
	}
	switch v := v.(type) {
	case float64:
		if s.Minimum != nil && v < *s.Minimum {
			return fmt.Errorf("%s: %v is less than %v", at, v, *s.Minimum)
		}
		if s.Maximum != nil && v > *s.Maximum {
			return fmt.Errorf("%s: %v is more than %v", at, v, *s.Maximum)
		}
	case string:
		if s.pattern != nil && !s.pattern.MatchString(v) {
			return fmt.Errorf("%s: %s does not match %s", at, show(v), s.Pattern)
		}
	case []any:
		if s.MinItems != nil && len(v) < *s.MinItems {
			return fmt.Errorf("%s: %d items, want at least %d", at, len(v), *s.MinItems)
		}
		if s.Items != nil {
			for i, item := range v {
				if err := s.Items.validate(fmt.Sprintf("%s[%d]", at, i), item); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		for _, name := range s.Required {
			if _, ok := v[name]; !ok {
				return fmt.Errorf("%s: missing property %q", at, name)
			}
		}
		names := make([]string, 0, len(v))
		for name := range v {
			names = append(names, name)
		}
		slices.Sort(names) // the same error for the same arguments
		for _, name := range names {
			p, ok := s.Properties[name]
			switch {
			case ok:
			case s.closed:
				return fmt.Errorf("%s: unexpected property %q", at, name)
			case s.extra != nil:
				p = s.extra
			default:
				continue
			}
			if err := p.validate(join(at, name), v[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasType says whether v, decoded from JSON, is of JSON Schema type t.
func hasType(v any, t string) bool {
	switch v := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case float64:
		return t == "number" || t == "integer" && v == math.Trunc(v) && !math.IsInf(v, 0)
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

func typeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string " + show(v)
	case float64:
		return "number " + show(v)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// show is v as JSON, for messages.
func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 64 {
		return string(b[:61]) + "..."
	}
	return string(b)
}

// join names property name of the value at at.
func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
