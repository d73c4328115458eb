package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/procfile"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// writeApp makes a directory named project holding files (name -> text).
func writeApp(t *testing.T, project string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), project)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func envOf(t *testing.T, s Service) map[string]string {
	t.Helper()
	return task.EnvMap(s.Env)
}

func TestLoadAppLayersEnvironmentAndAssignsPorts(t *testing.T) {
	dir := writeApp(t, "shop", map[string]string{
		"Procfile": "web: serve\nworker: work\n\nclock: tick\n",
		".env":     "A=dotenv\nB=dotenv\n",
		"extra":    "B=extra\n",
	})
	app, err := LoadApp(AppOptions{Wd: dir, EnvFile: "extra", Environ: []string{"A=shell", "C=shell", "PORT=1", "PWD=/elsewhere"}})
	if err != nil {
		t.Fatal(err)
	}
	if app.Project != "shop" || app.Dir != dir || app.File != "Procfile" {
		t.Errorf("app %q in %q from %q", app.Project, app.Dir, app.File)
	}
	var names []string
	for i, s := range app.Services {
		names = append(names, s.Name)
		env := envOf(t, s)
		want := map[string]string{"A": "dotenv", "B": "extra", "C": "shell", "PORT": []string{"5000", "5100", "5200"}[i], "PWD": dir}
		for k, v := range want {
			if env[k] != v {
				t.Errorf("%s: %s=%q, want %q", s.Name, k, env[k], v)
			}
		}
	}
	if !slices.Equal(names, []string{"web", "worker", "clock"}) {
		t.Errorf("services %v", names)
	}

	app, err = LoadApp(AppOptions{Wd: dir, Project: "other", PortBase: 8000, EnvFile: filepath.Join(dir, "extra")})
	if err != nil || app.Project != "other" || envOf(t, app.Services[2])["PORT"] != "8200" {
		t.Errorf("-p and --port-base: %q, PORT %q, %v", app.Project, envOf(t, app.Services[2])["PORT"], err)
	}
}

func TestLoadAppPortFromAnEnvFileWins(t *testing.T) {
	dir := writeApp(t, "app", map[string]string{"Procfile": "a: x\nb: y\n", ".env": "PORT=9999\n"})
	app, err := LoadApp(AppOptions{Wd: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range app.Services {
		if p := envOf(t, s)["PORT"]; p != "9999" {
			t.Errorf("%s: PORT=%s, want the env file's 9999", s.Name, p)
		}
	}
}

func TestLoadAppRefuses(t *testing.T) {
	dir := writeApp(t, "app", map[string]string{"Procfile": "a: x\nb y\n", "ok": "a: x\n", "bad.env": "A=1\nB\n"})
	var se *procfile.SyntaxError
	if _, err := LoadApp(AppOptions{Wd: dir}); !errors.As(err, &se) || err.Error() != `Procfile:2: want "name: command"` {
		t.Errorf("malformed Procfile: %v", err)
	}
	if _, err := LoadApp(AppOptions{Wd: dir, File: "nosuch"}); !errors.Is(err, ErrNoProcfile) {
		t.Errorf("missing Procfile: %v", err)
	}
	if _, err := LoadApp(AppOptions{Wd: dir, File: "ok", EnvFile: "bad.env"}); !errors.As(err, &se) || err.Error() != "bad.env:2: want KEY=VALUE" {
		t.Errorf("malformed env file: %v", err)
	}
	if _, err := LoadApp(AppOptions{Wd: dir, File: "ok", Project: "a/b"}); !errors.Is(err, ErrBadProject) {
		t.Errorf("project a/b: %v", err)
	}
	if _, err := LoadApp(AppOptions{Wd: dir, File: "ok", PortBase: 65536}); !errors.Is(err, ErrBadPort) {
		t.Errorf("port base 65536: %v", err)
	}
	app, _ := LoadApp(AppOptions{Wd: dir, File: "ok"})
	if _, err := app.Select([]string{"a", "zz"}); !errors.Is(err, ErrNoService) {
		t.Errorf("Select of an unknown service: %v", err)
	}
}

func TestSameRunIgnoresTheTerminalOnly(t *testing.T) {
	cur := task.Task{Listing: task.Listing{Command: []string{"sh", "-c", "x"}, Cwd: "/app"}, Env: map[string]string{"A": "1", "SHLVL": "2", "_": "/bin/ghost"},
		RestartPolicy: task.DefaultRestartPolicy}
	opts := Spec{Command: []string{"sh", "-c", "x"}, Cwd: "/app", Env: []string{"A=1", "SHLVL=5", "TERM_SESSION_ID=x"}}
	if !sameRun(cur, opts) {
		t.Error("a new terminal counts as a change")
	}
	for _, changed := range []Spec{
		{Command: []string{"sh", "-c", "y"}, Cwd: "/app", Env: opts.Env},
		{Command: opts.Command, Cwd: "/elsewhere", Env: opts.Env},
		{Command: opts.Command, Cwd: "/app", Env: []string{"A=2"}},
		{Command: opts.Command, Cwd: "/app", Env: []string{"A=1", "B=1"}},
		{Command: opts.Command, Cwd: "/app", Env: []string{}},
		{Command: opts.Command, Cwd: "/app", Env: opts.Env, Restart: task.RestartPolicy{Mode: task.RestartAlways}},
	} {
		if sameRun(cur, changed) {
			t.Errorf("%+v counts as the same run", changed)
		}
	}
}

// Up starts what is missing, leaves alone what runs as asked, restarts
// what changed; Down stops all at once and returns once they ended.
func TestUpAndDown(t *testing.T) {
	e := open(t) // waits for the monitors before the directory goes
	ctx := context.Background()
	dir := writeApp(t, "shop", map[string]string{"Procfile": "web: exec sleep 300\nworker: exec sleep 301\n"})
	defer e.Down(ctx, "shop", nil, 0)
	up := func(want ...UpAction) []UpResult {
		t.Helper()
		app, err := LoadApp(AppOptions{Wd: dir, Environ: os.Environ()})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Up(ctx, app, app.Services, UpOptions{Log: logs.DefaultPolicy, Grace: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil || r.Action != want[i] || r.Task.Status != task.Running || r.Task.Project != "shop" || r.Task.Name != "shop/"+r.Service {
				t.Errorf("%s: %s %+v, %v; want %s and running", r.Service, r.Action, r.Task, r.Err, want[i])
			}
		}
		return res
	}
	first := up(Started, Started)
	again := up(Running, Running)
	for i := range first {
		if again[i].Task.ID != first[i].Task.ID {
			t.Errorf("%s: a new task %s for one that ran", first[i].Service, again[i].Task.ID)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Procfile"), []byte("web: exec sleep 300\nworker: exec sleep 302\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	third := up(Running, Restarted)
	if old, err := e.Get(ctx, first[1].Task.ID); err != nil || old.Status == task.Running {
		t.Errorf("the changed service's old task is %s, %v", old.Status, err)
	}
	res, err := e.Down(ctx, "shop", nil, 5*time.Second)
	if err != nil || len(res) != 2 {
		t.Fatalf("down: %+v, %v", res, err)
	}
	for _, r := range res {
		if r.Err != nil || r.Task.Status != task.Killed || r.Task.Signal != "SIGTERM" {
			t.Errorf("down %s: %s %s, %v", r.Task.Name, r.Task.Status, r.Task.Signal, r.Err)
		}
	}
	if left, _ := e.ProjectRunning(ctx, "shop", nil); len(left) != 0 {
		t.Errorf("still running after down: %+v", left)
	}
	latest, err := e.ProjectLatest(ctx, "shop")
	if err != nil || len(latest) != 2 || latest[0].ID != third[0].Task.ID || latest[1].ID != third[1].Task.ID {
		t.Errorf("latest of each service: %+v, %v", latest, err)
	}
	if names := strings.Join([]string{latest[0].Name, latest[1].Name}, ","); names != "shop/web,shop/worker" {
		t.Errorf("latest in name order: %s", names)
	}
}

// A service that has ended by the time Up looks is reported as not up;
// the others are not.
func TestUpReportsAServiceThatEndsAtOnce(t *testing.T) {
	e := open(t) // waits for the monitors before the directory goes
	ctx := context.Background()
	dir := writeApp(t, "app", map[string]string{"Procfile": "good: exec sleep 300\nbad: exit 3\n"})
	defer e.Down(ctx, "app", nil, 0)
	app, err := LoadApp(AppOptions{Wd: dir, Environ: os.Environ()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Up(ctx, app, app.Services, UpOptions{Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := e.Wait(wctx, res[1].Task.ID); err != nil {
		t.Fatalf("bad service did not end: %v", err)
	}
	e.markEnded(ctx, res)
	if res[0].Err != nil {
		t.Errorf("good service: %v", res[0].Err)
	}
	if !errors.Is(res[1].Err, ErrNotUp) || res[1].Err.Error() != "did not stay up: exited with code 3" {
		t.Errorf("bad service: %v, want ErrNotUp", res[1].Err)
	}
}
