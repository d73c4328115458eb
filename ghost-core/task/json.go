package task

import (
	"math"
	"time"

	"github.com/ghostproject/ghost/ghost-core/ports"
)

// JSONTask is the stable, documented shape of a task for scripts.
type JSONTask struct {
	ID         string   `json:"id"`
	Name       *string  `json:"name"`
	Project    *string  `json:"project"`
	PID        int      `json:"pid"`
	PGID       int      `json:"pgid"`
	Command    []string `json:"command"`
	Cwd        string   `json:"cwd"`
	Status     Status   `json:"status"`
	ExitCode   *int     `json:"exit_code"`
	Signal     *string  `json:"signal"`
	StartedAt  *string  `json:"started_at"`
	FinishedAt *string  `json:"finished_at"`
	LogPath    string   `json:"log_path"`
	// Origin is "cli", or "mcp:<client>" for a task an agent started.
	Origin string `json:"origin"`
	// Restart is the restart policy's mode, "no" when none; Restarts the
	// restarts so far; NextRestartAt when the next run starts, while
	// restarting.
	Restart       RestartMode `json:"restart"`
	Restarts      int         `json:"restarts"`
	NextRestartAt *string     `json:"next_restart_at"`
	// Ports appears only where it was looked up (status), so that the list
	// objects stay as they are.
	Ports *[]ports.Port `json:"ports,omitempty"`
	// CPUPercent and RSSBytes appear only where they were measured
	// (status), like Ports.
	CPUPercent *float64 `json:"cpu_percent,omitempty"`
	RSSBytes   *int64   `json:"rss_bytes,omitempty"`
	// Runs appears only where it was looked up (status): every run's
	// process and end.
	Runs *[]JSONRun `json:"runs,omitempty"`
}

// JSON is the task object of the CLI contract as lists give it:
// snake_case keys, RFC 3339 times in UTC, null for what is unknown.
func (t Listing) JSON() JSONTask {
	cmd := t.Command
	if cmd == nil {
		cmd = []string{}
	}
	return JSONTask{
		ID:            t.ID,
		Name:          optional(t.Name),
		Project:       optional(t.Project),
		PID:           t.PID,
		PGID:          t.PGID,
		Command:       cmd,
		Cwd:           t.Cwd,
		Status:        t.Status,
		ExitCode:      t.ExitCode,
		Signal:        optional(t.Signal),
		StartedAt:     timestamp(t.StartedAt),
		FinishedAt:    timestamp(t.FinishedAt),
		LogPath:       t.LogPath,
		Origin:        t.OriginName(),
		Restart:       t.restartMode(),
		Restarts:      t.Restarts,
		NextRestartAt: timestamp(t.NextRestartAt),
	}
}

func (t Listing) restartMode() RestartMode {
	if t.Restart == "" {
		return RestartNo
	}
	return t.Restart
}

// JSON is the task object of the CLI contract for one task (status): the
// listing's keys, and the ports when they were looked up. The environment
// is left out on purpose: it often holds secrets.
func (t Task) JSON() JSONTask {
	j := t.Listing.JSON()
	j.Ports = portsField(t.Ports)
	if t.Usage != nil {
		cpu, rss := math.Round(t.Usage.CPUPercent*10)/10, t.Usage.RSSBytes
		j.CPUPercent, j.RSSBytes = &cpu, &rss
	}
	if t.Runs != nil {
		runs := make([]JSONRun, len(t.Runs))
		for i, r := range t.Runs {
			runs[i] = r.JSON()
		}
		j.Runs = &runs
	}
	return j
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timestamp(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func portsField(p []ports.Port) *[]ports.Port {
	if p == nil {
		return nil
	}
	return &p
}
