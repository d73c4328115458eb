//go:build unix

package mcp

import (
	"context"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// BenchmarkLogs64KiB times a logs call returning 64 KiB, client to server
// and back over in-process pipes (the SDK's client): the server's share of what
// an agent waits for (make bench measures it over stdio as well).
func BenchmarkLogs64KiB(b *testing.B) {
	h := serve(b, logs.Policy{})
	run := h.runTask(map[string]any{"command": "yes 'a line of log output, 32 bytes' | head -c 1048576"})
	h.waitExit(run.Task.ID)
	args := map[string]any{"task": run.Task.ID, "cursor": "0", "max_bytes": 64 << 10}
	b.ResetTimer()
	for range b.N {
		res, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: "logs", Arguments: args})
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkReadLog64KiB times the server's own part of a logs call:
// opening the log and reading 64 KiB of text from a cursor.
func BenchmarkReadLog64KiB(b *testing.B) {
	h := serve(b, logs.Policy{})
	run := h.runTask(map[string]any{"command": "yes 'a line of log output, 32 bytes' | head -c 1048576"})
	h.waitExit(run.Task.ID)
	b.ResetTimer()
	for range b.N {
		v, err := h.e.OpenLog(run.Task.ID)
		if err != nil {
			b.Fatal(err)
		}
		r, err := readLog(v, logQuery{from: 0, tail: -1, max: 64 << 10, strip: true, ended: true})
		v.Close()
		if err != nil || len(r.text) < 60<<10 {
			b.Fatal(err, len(r.text))
		}
	}
}
