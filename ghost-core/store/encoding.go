package store

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// The command and env columns hold JSON, as the design has it. JSON
// strings are Unicode, but argv and environment values are bytes: a string
// that is not valid UTF-8 would come back changed (each bad byte turned
// into U+FFFD), so it is stored as {"base64": "..."} instead. Valid
// strings, nearly all of them, stay plain JSON strings.

type rawBytes struct {
	Base64 string `json:"base64"`
}

func encodeString(s string) any {
	if utf8.ValidString(s) {
		return s
	}
	return rawBytes{base64.StdEncoding.EncodeToString([]byte(s))}
}

func decodeString(raw json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var b rawBytes
	if json.Unmarshal(raw, &b) != nil {
		return "", false
	}
	dec, err := base64.StdEncoding.DecodeString(b.Base64)
	return string(dec), err == nil
}

func encodeList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = encodeString(s)
	}
	return out
}

// decodeList reads a command column; nil when it is not a JSON array of
// strings.
func decodeList(text string) []string {
	if list, ok := plainList(text); ok {
		return list
	}
	if !strings.Contains(text, "{") {
		// No base64 objects: the common case, one decode.
		var list []string
		if json.Unmarshal([]byte(text), &list) != nil {
			return nil
		}
		if list == nil {
			list = []string{}
		}
		return list
	}
	var raws []json.RawMessage
	if json.Unmarshal([]byte(text), &raws) != nil {
		return nil
	}
	out := make([]string, 0, len(raws))
	for _, r := range raws {
		s, ok := decodeString(r)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func encodeMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		// Keys with invalid UTF-8 cannot be JSON keys faithfully; such
		// variables are rare enough to keep as they come out of json.
		out[k] = encodeString(v)
	}
	return out
}

func decodeMap(text string) map[string]string {
	var raws map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &raws) != nil {
		return nil
	}
	out := make(map[string]string, len(raws))
	for k, r := range raws {
		if s, ok := decodeString(r); ok {
			out[k] = s
		}
	}
	return out
}

// plainList reads the common command, a JSON array of strings with no
// escapes, without reflection: listing 10,000 tasks spent a third of its
// time in encoding/json. Anything else is left to the full decoder.
func plainList(text string) ([]string, bool) {
	if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' || !utf8.ValidString(text) {
		return nil, false
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c == '\\' || c == '{' || c < 0x20 {
			return nil, false
		}
	}
	body := strings.TrimSpace(text[1 : len(text)-1])
	out := []string{}
	for body != "" {
		if body[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(body[1:], '"')
		if end < 0 {
			return nil, false
		}
		out = append(out, body[1:1+end])
		body = strings.TrimSpace(body[end+2:])
		if body == "" {
			break
		}
		if body[0] != ',' {
			return nil, false
		}
		if body = strings.TrimSpace(body[1:]); body == "" {
			return nil, false // a trailing comma
		}
	}
	return out, true
}
