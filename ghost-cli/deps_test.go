package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Every task's monitor is a re-exec of the ghost binary, and pays the
// initialisation of every package linked into it for the task's life:
// the MCP SDK and what it brings (net/http, TLS, jsonschema) cost each
// monitor about 300 KiB. `ghost mcp` speaks the protocol with the
// standard library; the SDK serves only its tests. This keeps it so, for
// each platform ghost is built for.
func TestGhostLinksNeitherTheMCPSDKNorNetHTTP(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on $PATH: cannot list the binary's packages")
	}
	banned := []string{"github.com/modelcontextprotocol/go-sdk", "github.com/google/jsonschema-go", "net/http"}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(goTool, "list", "-deps", "-tags", "urfave_cli_no_docs", "./cmd/ghost")
		// -mod=mod would reach for the network; the build cache and the
		// module cache the tests were built from hold everything.
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOFLAGS=", "GOPROXY=off", "CGO_ENABLED=1")
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Fatalf("GOOS=%s go list -deps ./cmd/ghost: %v\n%s", goos, err, msg)
		}
		pkgs := strings.Fields(string(out))
		if len(pkgs) < 50 {
			t.Fatalf("GOOS=%s: only %d packages listed: %q", goos, len(pkgs), out)
		}
		for _, p := range pkgs {
			for _, b := range banned {
				if p == b || strings.HasPrefix(p, b+"/") {
					t.Errorf("GOOS=%s: ghost links %s: every task's monitor would pay its initialisation", goos, p)
				}
			}
		}
	}
}
