package mcp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/printable"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// TaskObject is the JSON task object of `ghost status --json`, origin
// included; ports appear where they were looked up.
type TaskObject = task.JSONTask

// object is a task object (a task's or a listing's JSON) with its strings
// valid UTF-8.
func object(o TaskObject) TaskObject {
	o.Cwd, o.LogPath = valid(o.Cwd), valid(o.LogPath)
	cmd := make([]string, len(o.Command))
	for i, a := range o.Command {
		cmd[i] = valid(a)
	}
	o.Command = cmd
	if o.Name != nil {
		o.Name = ptr(valid(*o.Name))
	}
	return o
}

// line is a task in one line for people: id, name, state, command.
func line(t task.Listing) string {
	s := t.ShortID()
	if t.Name != "" {
		s += " (" + t.Name + ")"
	}
	s += " " + string(t.Status)
	switch t.Status {
	case task.Exited, task.Killed:
		s += " " + t.ExitText()
	case task.Running:
		if t.PID > 0 {
			s += fmt.Sprintf(" pid %d", t.PID)
		}
	}
	return printable.String(s + ": " + printable.Quote(t.Command))
}

type listIn struct {
	Status  []string `json:"status,omitempty" jsonschema:"only tasks in these states (finished = exited, killed or unknown; restarting = waiting out a restart delay); all when empty"`
	Project string   `json:"project,omitempty" jsonschema:"only the tasks ghost up started for this project"`
	Limit   int      `json:"limit,omitempty" jsonschema:"at most this many tasks, newest first"`
}

type listOut struct {
	Tasks []TaskObject `json:"tasks"`
	// More is true when older tasks matched beyond limit.
	More bool `json:"more"`
}

func addList(s *Server) {
	addTool(s, &tool{
		Name:        "list",
		Title:       "List tasks",
		Description: "List ghost's tasks, newest first, with their state, exit code and origin (which client started them).",
		Annotations: annotations{ReadOnlyHint: true},
	}, s.list)
}

func (s *Server) list(ctx context.Context, _ *call, in listIn) (*result, listOut, error) {
	f := engine.Filter{Limit: in.Limit + 1, Project: in.Project}
	for _, st := range in.Status {
		if st == "finished" {
			f.Statuses = append(f.Statuses, task.Exited, task.Killed, task.Unknown)
		} else {
			f.Statuses = append(f.Statuses, task.Status(st))
		}
	}
	tasks, err := s.e.List(ctx, f)
	if err != nil {
		return nil, listOut{}, s.failure("list", err)
	}
	out := listOut{Tasks: []TaskObject{}}
	if len(tasks) > in.Limit {
		tasks, out.More = tasks[:in.Limit], true
	}
	var text strings.Builder
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, object(t.JSON()))
		text.WriteString(line(t) + "\n")
	}
	if len(tasks) == 0 {
		text.WriteString("no tasks\n")
	}
	if out.More {
		text.WriteString("(older tasks left out: raise limit)\n")
	}
	return textResult(text.String()), out, nil
}

type taskIn struct {
	Task string `json:"task" jsonschema:"the task: its id, a unique id prefix, or its name (the newest task of that name)"`
}

func addStatus(s *Server) {
	addTool(s, &tool{
		Name:        "status",
		Title:       "Task status",
		Description: "Everything about one task: state, exit code or signal, pid, command, working directory, times, and the ports it listens on.",
		Annotations: annotations{ReadOnlyHint: true},
	}, s.status)
}

func (s *Server) status(ctx context.Context, _ *call, in taskIn) (*result, TaskObject, error) {
	t, err := s.find(ctx, "status", in.Task)
	if err != nil {
		return nil, TaskObject{}, err
	}
	t = s.e.WithPorts(t)
	var text strings.Builder
	for _, f := range t.Describe(time.Now()) {
		fmt.Fprintf(&text, "%-10s %s\n", f.Label+":", printable.String(f.Value))
	}
	return textResult(text.String()), object(t.JSON()), nil
}
