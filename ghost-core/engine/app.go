package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/procfile"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// An app is what `ghost up` runs: the services of one Procfile, each a
// task named PROJECT/SERVICE in the project. Nothing but those tasks'
// rows records it, so `up` compares what runs with what the Procfile asks
// for, and `down` finds the project's tasks by their project column.

// DefaultPortBase is the PORT of an app's first service, as foreman
// assigns it; each next service in file order gets 100 more.
const DefaultPortBase = 5000

// portStep is foreman's distance between two services' ports.
const portStep = 100

// Errors about an app.
var (
	// ErrNoProcfile means the Procfile named (or ./Procfile) does not exist.
	ErrNoProcfile = errors.New("no such file")
	// ErrNoService means a service named on the command line is not in the
	// Procfile.
	ErrNoService = errors.New("no such service")
	// ErrBadProject means a project name cannot name tasks.
	ErrBadProject = errors.New("invalid project name")
	// ErrBadPort means the ports to assign fall outside 1 to 65535.
	ErrBadPort = errors.New("port out of range")
	// ErrNotUp means a service started but did not stay up.
	ErrNotUp = errors.New("did not stay up")
)

// AppOptions says where an app is and how its services are set up.
type AppOptions struct {
	// File is the Procfile's path as the user gave it; "Procfile" if empty.
	File string
	// Project names the app; the name of the Procfile's directory if empty.
	Project string
	// EnvFile, if set, is read after the .env beside the Procfile and wins
	// over it.
	EnvFile string
	// PortBase is the first service's PORT; DefaultPortBase if 0.
	PortBase int
	// Environ is the caller's environment, KEY=VALUE, which the env files
	// add to.
	Environ []string
	// Wd is the directory relative paths start from.
	Wd string
}

// App is a Procfile read and its services' environments worked out.
type App struct {
	// Project names the app; its tasks are named Project/SERVICE.
	Project string
	// Dir is the Procfile's directory, the services' working directory.
	Dir string
	// File is the Procfile's path as the user gave it.
	File string
	// Services are the Procfile's services in file order.
	Services []Service
}

// Service is one service of an app, ready to run.
type Service struct {
	// Name is the service's name in the Procfile.
	Name string
	// Command is the shell command line; it runs through `sh -c`.
	Command string
	// Env is the service's whole environment, KEY=VALUE, PORT included.
	Env []string
	// Given names the variables of Env set for the service (the env files
	// and PORT) rather than inherited from the caller, sorted.
	Given []string
}

// TaskName is the name the service's task runs under: PROJECT/SERVICE.
func TaskName(project, service string) string { return project + "/" + service }

// ProjectOf returns the project a Procfile names by default: the name of
// the directory holding it.
func ProjectOf(procfilePath string) (string, error) {
	abs, err := filepath.Abs(procfilePath)
	if err != nil {
		return "", err
	}
	p := filepath.Base(filepath.Dir(abs))
	if err := CheckProject(p); err != nil {
		return "", fmt.Errorf("%w (from the directory %s; name one with -p)", err, filepath.Dir(abs))
	}
	return p, nil
}

// CheckProject tells whether name can name a project: not empty, with no
// '/' (which parts project from service in a task's name) and no control
// characters.
func CheckProject(name string) error {
	if name == "" || name == "." || name == ".." || name == string(filepath.Separator) {
		return fmt.Errorf("%w %q", ErrBadProject, name)
	}
	for _, r := range name {
		if r == '/' || unicode.IsControl(r) {
			return fmt.Errorf("%w %q: it may not hold '/' or control characters", ErrBadProject, name)
		}
	}
	return nil
}

// LoadApp reads the Procfile and the env files and gives each service its
// environment: the caller's, then the .env beside the Procfile, then
// EnvFile, each overriding the one before, and PORT as foreman assigns it
// unless an env file sets PORT. A malformed Procfile is a
// *procfile.SyntaxError naming file and line; nothing is half-read.
func LoadApp(o AppOptions) (App, error) {
	if o.File == "" {
		o.File = "Procfile"
	}
	path := o.File
	if !filepath.IsAbs(path) {
		path = filepath.Join(o.Wd, path)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return App{}, fmt.Errorf("%s: %w", o.File, ErrNoProcfile)
	}
	if err != nil {
		return App{}, fmt.Errorf("reading Procfile: %w", err)
	}
	defer f.Close()
	services, err := procfile.Parse(f, o.File)
	if err != nil {
		return App{}, err
	}
	app := App{Project: o.Project, Dir: filepath.Dir(path), File: o.File}
	if app.Project == "" {
		if app.Project, err = ProjectOf(path); err != nil {
			return App{}, err
		}
	} else if err := CheckProject(app.Project); err != nil {
		return App{}, err
	}
	base := o.PortBase
	if base == 0 {
		base = DefaultPortBase
	}
	env := task.EnvMap(o.Environ)
	filePort := false
	given := map[string]bool{}
	files := []string{filepath.Join(app.Dir, ".env")}
	if o.EnvFile != "" {
		ef := o.EnvFile
		if !filepath.IsAbs(ef) {
			ef = filepath.Join(o.Wd, ef)
		}
		files = append(files, ef)
	}
	for i, name := range files {
		shown := name
		if i == 1 {
			shown = o.EnvFile
		} else if rel, err := filepath.Rel(o.Wd, name); err == nil {
			shown = rel
		}
		pairs, err := readEnvFile(name, shown, i == 0)
		if err != nil {
			return App{}, err
		}
		for _, kv := range pairs {
			env[kv[0]] = kv[1]
			given[kv[0]] = true
			filePort = filePort || kv[0] == "PORT"
		}
	}
	if last := base + portStep*(len(services)-1); !filePort && (base < 1 || last > 65535) {
		return App{}, fmt.Errorf("%w: %d services from %d would reach %d", ErrBadPort, len(services), base, last)
	}
	// The services run in the Procfile's directory; the caller's PWD would
	// be wrong there, and would differ from one shell to the next.
	env["PWD"] = app.Dir
	for i, s := range services {
		svc := Service{Name: s.Name, Command: s.Command}
		if !filePort {
			env["PORT"] = strconv.Itoa(base + portStep*i)
		}
		svc.Env = task.EnvList(env)
		given["PORT"] = true
		svc.Given = slices.Sorted(maps.Keys(given))
		app.Services = append(app.Services, svc)
	}
	return app, nil
}

// readEnvFile reads an env file; a missing one is empty when optional.
func readEnvFile(path, shown string, optional bool) ([][2]string, error) {
	f, err := os.Open(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said already, as the user wrote it
		}
		return nil, fmt.Errorf("reading %s: %w", shown, err)
	}
	defer f.Close()
	pairs, err := task.ParseEnvFile(f)
	var ee *task.EnvFileError
	if errors.As(err, &ee) {
		return nil, &procfile.SyntaxError{File: shown, Line: ee.Line, Err: ee.Err}
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", shown, err)
	}
	return pairs, nil
}

// Select returns the services named, in the Procfile's order, or all of
// them when names is empty; a name not in the Procfile is ErrNoService.
func (a App) Select(names []string) ([]Service, error) {
	if len(names) == 0 {
		return a.Services, nil
	}
	for _, n := range names {
		if !slices.ContainsFunc(a.Services, func(s Service) bool { return s.Name == n }) {
			return nil, fmt.Errorf("%q: %w in %s", n, ErrNoService, a.File)
		}
	}
	var out []Service
	for _, s := range a.Services {
		if slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out, nil
}

// UpAction is what Up did to a service.
type UpAction string

// What Up can do to a service.
const (
	// Started: nothing ran for the service; it was started.
	Started UpAction = "started"
	// Running: it ran as the Procfile asks; it was left alone.
	Running UpAction = "running"
	// Restarted: it ran with another command or environment; it was
	// stopped and started again.
	Restarted UpAction = "restarted"
)

// UpOptions tunes Up.
type UpOptions struct {
	// Log is the log policy of the tasks started.
	Log logs.Policy
	// Grace is how long a changed service has to stop before SIGKILL.
	Grace time.Duration
	// Settle is how long Up watches the services it started for an early
	// end, which makes them fail; 0 does not watch.
	Settle time.Duration
	// Restart is the restart policy of the tasks started.
	Restart task.RestartPolicy
}

// UpResult is what Up did for one service.
type UpResult struct {
	// Service is the service's name.
	Service string
	// Action is what was done, if Err is nil or ErrNotUp.
	Action UpAction
	// Task is the service's task as last seen.
	Task task.Task
	// Err says why the service is not running, or is nil.
	Err error
}

// Up makes the services run as the app describes them, as `docker
// compose up -d` does: a service whose task runs with the same command,
// working directory and environment is left alone, one whose task differs
// is stopped and started again, a missing one is started. Services are
// handled at once; results come in the order given. A service that cannot
// be started does not stop the others.
func (e *Engine) Up(ctx context.Context, app App, services []Service, o UpOptions) ([]UpResult, error) {
	current, err := e.projectTasks(ctx, app.Project)
	if err != nil {
		return nil, err
	}
	results := make([]UpResult, len(services))
	var wg sync.WaitGroup
	for i, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.upOne(ctx, app, s, current[TaskName(app.Project, s.Name)], o)
		}()
	}
	wg.Wait()
	if o.Settle > 0 {
		e.settle(ctx, results, o.Settle)
	}
	return results, nil
}

func (e *Engine) upOne(ctx context.Context, app App, s Service, cur *task.Task, o UpOptions) UpResult {
	r := UpResult{Service: s.Name, Action: Started}
	opts := Spec{
		Name: TaskName(app.Project, s.Name), Project: app.Project,
		Command: shellArgv(s.Command), Cwd: app.Dir, Env: s.Env, EnvGiven: s.Given, Log: o.Log, Restart: o.Restart,
	}
	if cur != nil {
		if sameRun(*cur, opts) {
			r.Action, r.Task = Running, *cur
			if cur.Status != task.Running { // waiting out a restart delay
				r.Err = fmt.Errorf("%w: %s", ErrNotUp, cur.Status)
			}
			return r
		}
		r.Action = Restarted
		if _, err := e.Stop(ctx, cur.ID, o.Grace); err != nil && !errors.Is(err, task.ErrNotRunning) {
			r.Task, r.Err = *cur, err
			return r
		}
	}
	r.Task, r.Err = e.Run(ctx, opts)
	return r
}

// settle watches the tasks just started for d and marks those that ended
// meanwhile: a command that fails at once (a typo, a port in use) is not
// "up", and saying so now beats a silent `started`.
func (e *Engine) settle(ctx context.Context, results []UpResult, d time.Duration) {
	if !slices.ContainsFunc(results, func(r UpResult) bool { return r.Err == nil && r.Action != Running }) {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
	e.markEnded(ctx, results)
}

// markEnded gives ErrNotUp to each task started or restarted that is no
// longer running.
func (e *Engine) markEnded(ctx context.Context, results []UpResult) {
	for i, r := range results {
		if r.Err != nil || r.Action == Running {
			continue
		}
		t, err := e.Get(ctx, r.Task.ID) // reconciled
		if err != nil {
			continue
		}
		if t.Status != task.Running {
			results[i].Task = t
			results[i].Err = fmt.Errorf("%w: %s", ErrNotUp, endText(t))
		}
	}
}

// endText says how a task ended, for a message.
func endText(t task.Task) string {
	switch {
	case t.Status == task.Exited && t.ExitCode != nil:
		return "exited with code " + strconv.Itoa(*t.ExitCode)
	case t.Status == task.Killed && t.Signal != "":
		return "killed by " + t.Signal
	}
	return string(t.Status)
}

// sessionVars describe the shell or terminal a command was typed in, not
// the app: two `ghost up` from two terminals differ in them, and that
// must not restart every service.
var sessionVars = map[string]bool{
	"_": true, "PWD": true, "OLDPWD": true, "SHLVL": true, "COLUMNS": true, "LINES": true,
	"TERM_SESSION_ID": true, "WINDOWID": true, "ITERM_SESSION_ID": true, "KITTY_WINDOW_ID": true,
	"WEZTERM_PANE": true, "ALACRITTY_WINDOW_ID": true, "TMUX_PANE": true, "STY": true, "WINDOW": true,
	"SSH_TTY": true, "SSH_CLIENT": true, "SSH_CONNECTION": true, "GPG_TTY": true, "XDG_SESSION_ID": true,
}

// sameRun reports whether task t runs what opts would start: the same
// command, directory, restart policy and environment, terminal session
// aside.
func sameRun(t task.Task, opts Spec) bool {
	policy := opts.Restart
	if policy.Mode == "" {
		policy = task.DefaultRestartPolicy // what the store records for none
	}
	if !slices.Equal(t.Command, opts.Command) || t.Cwd != opts.Cwd || t.RestartPolicy != policy {
		return false
	}
	want := task.EnvMap(opts.Env)
	for k := range sessionVars {
		delete(want, k)
	}
	n := 0
	for k, v := range t.Env {
		if sessionVars[k] {
			continue
		}
		if w, ok := want[k]; !ok || w != v {
			return false
		}
		n++
	}
	return n == len(want)
}

// projectTasks returns the project's tasks that have not ended for good,
// by name, in full (environment included) and in their true state.
func (e *Engine) projectTasks(ctx context.Context, project string) (map[string]*task.Task, error) {
	listed, err := e.List(ctx, Filter{Project: project})
	if err != nil {
		return nil, err
	}
	out := map[string]*task.Task{}
	for _, l := range listed {
		if l.Status.Finished() {
			continue
		}
		t, err := e.Get(ctx, l.ID) // in full, reconciled
		if err != nil {
			continue // removed meanwhile
		}
		if t.Status.Finished() {
			continue
		}
		if _, dup := out[t.Name]; !dup { // newest first: keep the newest
			out[t.Name] = &t
		}
	}
	return out, nil
}

// ProjectRunning returns the project's tasks that have not ended for
// good, newest first; with services, only theirs.
func (e *Engine) ProjectRunning(ctx context.Context, project string, services []string) ([]task.Task, error) {
	byName, err := e.projectTasks(ctx, project)
	if err != nil {
		return nil, err
	}
	var out []task.Task
	for name, t := range byName {
		if len(services) > 0 && !slices.Contains(services, strings.TrimPrefix(name, project+"/")) {
			continue
		}
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b task.Task) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// DownResult is how one task of a project was stopped.
type DownResult struct {
	// Task is the task as it ended, or as last seen if Err is set.
	Task task.Task
	// Err says why it could not be stopped, or is nil.
	Err error
}

// Down stops the project's running tasks (with services, only theirs),
// all at once, each as Stop does it (SIGTERM, grace, SIGKILL), and returns
// once every one has ended, in task name order.
func (e *Engine) Down(ctx context.Context, project string, services []string, grace time.Duration) ([]DownResult, error) {
	tasks, err := e.ProjectRunning(ctx, project, services)
	if err != nil {
		return nil, err
	}
	results := make([]DownResult, len(tasks))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := e.Stop(ctx, t.ID, grace)
			if errors.Is(err, task.ErrNotRunning) {
				if done, err = e.Get(ctx, t.ID); err != nil { // ended by itself meanwhile
					done, err = t, nil
				}
			}
			results[i] = DownResult{Task: done, Err: err}
		}()
	}
	wg.Wait()
	return results, nil
}

// ProjectLatest returns, for each task name in the project, its newest
// task, running or not, in name order: what `ghost log -p` shows.
func (e *Engine) ProjectLatest(ctx context.Context, project string) ([]task.Listing, error) {
	listed, err := e.List(ctx, Filter{Project: project})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []task.Listing
	for _, t := range listed {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b task.Listing) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// LinesOptions tunes FollowLines.
type LinesOptions struct {
	// Query makes the query of each task's lines: each needs its own, as
	// a grep keeps state. Nil reads every line.
	Query func() LogQuery
	// Follow goes on as the tasks write, until every one has ended for
	// good.
	Follow bool
	// Project, when following, adds the project's tasks started after the
	// stream began (a service `ghost up` started or restarted), each
	// announced to Added with its index before its first line, and read
	// from its start.
	Project string
	// Added learns of a task added to the stream.
	Added func(i int, t task.Listing)
	// Idle is called, when following, once all output so far is given.
	Idle func() error
}

// discoverEvery bounds how often a followed project is looked up for new
// tasks: a listing is cheap, but not free on every write of every log.
const discoverEvery = time.Second

// FollowLines gives the output of several tasks as one stream of whole
// lines (see logs.Merge), merged by capture time: what they hold now, and
// when following what comes after, until every task has ended for good or
// ctx ends.
func (e *Engine) FollowLines(ctx context.Context, tasks []task.Listing, o LinesOptions, emit func(i int, r LogRecord) error) error {
	query := o.Query
	if query == nil {
		query = func() LogQuery { return LogQuery{Tail: -1} }
	}
	var mu sync.Mutex // the watcher's filter runs on its own goroutine
	known := map[string]bool{}
	sources := make([]logs.Source, len(tasks))
	for i, t := range tasks {
		sources[i] = logs.Source{ID: t.ID, Query: query(), Ended: e.Ended(ctx, t.ID)}
		known[t.ID] = true
	}
	mo := logs.MergeOptions{Follow: o.Follow, Idle: o.Idle}
	if o.Follow {
		w := e.watchMatching(func(path string) bool {
			id, _, _ := strings.Cut(filepath.Base(path), ".")
			mu.Lock()
			defer mu.Unlock()
			return known[id]
		})
		defer w.Close()
		mo.Wake = w.C
	}
	if o.Follow && o.Project != "" {
		began := time.Now().Truncate(time.Second) // rows keep whole seconds
		n := len(tasks)
		var last time.Time
		mo.Discover = func() []logs.Source {
			if time.Since(last) < discoverEvery {
				return nil
			}
			last = time.Now()
			listed, err := e.List(ctx, Filter{Project: o.Project})
			if err != nil {
				return nil // look again next time
			}
			var added []logs.Source
			for i := len(listed) - 1; i >= 0; i-- { // oldest first
				t := listed[i]
				mu.Lock()
				seen := known[t.ID]
				known[t.ID] = true
				mu.Unlock()
				if seen || t.StartedAt.Before(began) {
					continue
				}
				if o.Added != nil {
					o.Added(n, t)
				}
				n++
				q := query()
				q.Tail = -1 // all of a task started since
				added = append(added, logs.Source{ID: t.ID, Query: q, Ended: e.Ended(ctx, t.ID)})
			}
			return added
		}
	}
	return logs.Merge(ctx, e.dir.LogDir(), sources, mo, emit)
}
