//go:build unix

package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkMCP measures what an agent waits for from `ghost mcp` over
// stdio: from starting the server to its answer to tools/list (initialize
// included), and a logs call returning 64 KiB. GHOST_BIN names the binary
// (make bench: bin/ghost); the default is this test binary acting as
// ghost.
func BenchmarkMCP(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	// A finished task with 1 MiB of output, read 64 KiB at a time.
	out, errOut, err := benchResult(dir, "run", "-n", "big", "sh", "-c", "yes 'a line of log output, 32 bytes' | head -c 1048576")
	if err != nil {
		b.Fatal(err, errOut)
	}
	if _, errOut, err := benchResult(dir, "wait", "big"); err != nil {
		b.Fatal(out, err, errOut)
	}
	ctx := context.Background()
	var toList, logs []time.Duration
	for range b.N {
		cmd := ghostCommand(benchGhost(), dir, "mcp")
		client := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "1"}, nil)
		start := time.Now()
		cs, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cs.ListTools(ctx, nil); err != nil {
			b.Fatal(err)
		}
		toList = append(toList, time.Since(start))
		for i := range 10 {
			start := time.Now()
			res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "logs", Arguments: map[string]any{"task": "big", "cursor": "0", "max_bytes": 64 << 10}})
			d := time.Since(start)
			if err != nil || res.IsError {
				b.Fatal(err, res)
			}
			var got struct {
				Text string `json:"text"`
			}
			raw, _ := json.Marshal(res.StructuredContent)
			json.Unmarshal(raw, &got)
			if len(got.Text) < 60<<10 {
				b.Fatalf("logs returned %d bytes, want about 64 KiB", len(got.Text))
			}
			if i > 0 { // the first call of a session warms its caches
				logs = append(logs, d)
			}
		}
		cs.Close()
	}
	b.ReportMetric(float64(median(toList).Microseconds())/1000, "ms-to-tools-list")
	b.ReportMetric(float64(median(logs).Microseconds())/1000, "ms-logs-64KiB")
}
