package command

import (
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestAbsProgram(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("exports are Unix service files (systemd, launchd, nomad), with Unix paths")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "tool"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "data"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := "relative/dir:" + bin
	for program, want := range map[string]string{
		"tool":       filepath.Join(bin, "tool"),
		"data":       "data", // not executable
		"missing":    "missing",
		"./run.sh":   filepath.Join("/srv/app", "run.sh"),
		"/bin/sh":    "/bin/sh",
		"sub/run.sh": "/srv/app/sub/run.sh",
	} {
		if got := absProgram(program, "/srv/app", path); got != want {
			t.Errorf("absProgram(%q) = %q, want %q", program, got, want)
		}
	}
}

// TestExportServiceEnvironment checks what of a task's environment an
// export keeps: not the shell session's, not names a manager refuses, and
// secrets only when asked.
func TestExportServiceEnvironment(t *testing.T) {
	tk := task.Task{
		Listing: task.Listing{ID: "3f6c2a9e-8d1b-4c55-9a0e-2f6d8c1b7a40", Name: "shop/web", Project: "shop",
			Command: []string{"/bin/sh", "-c", "true"}, Cwd: "/srv"},
		Env: map[string]string{"PATH": "/bin", "TERM": "xterm", "SSH_AUTH_SOCK": "/tmp/agent", "API_TOKEN": "t0k",
			"EMPTY_TOKEN": "", "a-b": "x", "PORT": "5000", "DATABASE_URL": "postgres://app:pw@db/prod"},
	}
	s, masked, skipped := exportService(tk, false)
	if s.Name != "web" || s.Origin != "task 3f6c2a9e (shop/web)" || s.Dir != "/srv" {
		t.Errorf("service %+v", s)
	}
	got := map[string]string{}
	for _, v := range s.Env {
		got[v.Key] = v.Value
	}
	want := map[string]string{"PATH": "/bin", "API_TOKEN": "<API_TOKEN>", "EMPTY_TOKEN": "", "PORT": "5000",
		"DATABASE_URL": engine.MaskEnv("DATABASE_URL", "postgres://app:pw@db/prod")}
	if len(got) != len(want) {
		t.Errorf("env %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if got["DATABASE_URL"] == "postgres://app:pw@db/prod" {
		t.Error("the URL's password was not masked")
	}
	if strings.Join(masked, " ") != "API_TOKEN DATABASE_URL" || len(skipped) != 1 || skipped[0] != "a-b" {
		t.Errorf("masked %v, skipped %v", masked, skipped)
	}
	s, masked, _ = exportService(tk, true)
	for _, v := range s.Env {
		if v.Key == "API_TOKEN" && v.Value != "t0k" || v.Key == "DATABASE_URL" && v.Value != "postgres://app:pw@db/prod" {
			t.Errorf("--include-secrets: API_TOKEN = %q", v.Value)
		}
	}
	if len(masked) != 0 {
		t.Errorf("--include-secrets masked %v", masked)
	}

	// With the given variables recorded, only they and PATH go out: the
	// rest is the caller's shell, not the task's configuration.
	tk.EnvGiven = []string{"PORT", "API_TOKEN"}
	tk.Env["HOME"], tk.Env["CONTAINER_NAME"] = "/root", "box"
	s, _, _ = exportService(tk, true)
	got = map[string]string{}
	for _, v := range s.Env {
		got[v.Key] = v.Value
	}
	want = map[string]string{"PATH": "/bin", "API_TOKEN": "t0k", "PORT": "5000"}
	if !maps.Equal(got, want) {
		t.Errorf("given %v: env %v, want %v", tk.EnvGiven, got, want)
	}
}
