// testsum reads `go test -json` on stdin and prints what a person needs:
// one line per package, the whole output of every test that failed, and
// every skipped test with its reason, which plain `go test` hides (a test
// that skipped reads as "ok"). It exits 1 if anything failed or did not
// build. `make test` pipes each module's tests through it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	Elapsed    float64
	ImportPath string
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	failed := false
	seen := false
	logs := map[string]*strings.Builder{} // package + test -> its output
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var e event
		if err := json.Unmarshal(in.Bytes(), &e); err != nil {
			// Not an event (a message from go itself): show it as is.
			fmt.Fprintln(out, in.Text())
			continue
		}
		seen = true
		key := e.Package + " " + e.Test
		switch e.Action {
		case "build-output":
			fmt.Fprint(out, e.Output)
		case "build-fail":
			failed = true
		case "output":
			if logs[key] == nil {
				logs[key] = &strings.Builder{}
			}
			logs[key].WriteString(e.Output)
		case "skip":
			if e.Test != "" {
				fmt.Fprintf(out, "SKIP %s %s: %s\n", e.Package, e.Test, reason(logs[key]))
			}
			delete(logs, key)
		case "fail":
			failed = true
			if e.Test != "" {
				fmt.Fprint(out, text(logs[key]))
			} else {
				fmt.Fprint(out, packageLines(text(logs[key])))
				fmt.Fprintf(out, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			delete(logs, key)
		case "pass":
			if e.Test == "" {
				fmt.Fprintf(out, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			}
			delete(logs, key)
		}
		if e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip") {
			// A package done: what its tests left is no longer needed.
			for k := range logs {
				if strings.HasPrefix(k, e.Package+" ") {
					delete(logs, k)
				}
			}
			if e.Action == "skip" {
				fmt.Fprintf(out, "?   \t%s\t[no test files]\n", e.Package)
			}
		}
		out.Flush()
	}
	if !seen || failed {
		os.Exit(1)
	}
}

func text(b *strings.Builder) string {
	if b == nil {
		return ""
	}
	return b.String()
}

// reason is what a skipped test said: its output but the RUN/SKIP lines.
func reason(b *strings.Builder) string {
	var parts []string
	for _, line := range strings.Split(text(b), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " ")
}

// packageLines is a failed package's own output without the summary
// lines go test repeats (PASS, FAIL, ok).
func packageLines(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "PASS" || t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok  \t") || t == "" {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}
