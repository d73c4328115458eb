package task

import (
	"bytes"
	"encoding/json"
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
	// Ports appears only where it was looked up (status), so that the list
	// objects stay as they are.
	Ports *[]ports.Port `json:"ports,omitempty"`
	// CPUPercent and RSSBytes appear only where they were measured
	// (status), like Ports.
	CPUPercent *float64 `json:"cpu_percent,omitempty"`
	RSSBytes   *int64   `json:"rss_bytes,omitempty"`
}

// MarshalJSON writes the task object of the CLI contract (see JSON).
func (t Task) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Commands are full of shell's < > &: keep them readable.
	enc.SetEscapeHTML(false)
	err := enc.Encode(t.JSON())
	return EscapeInvisible(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), err
}

// JSON is the task object of the CLI contract: snake_case keys, RFC 3339
// times in UTC, null for what is unknown. The environment is left out on
// purpose: it often holds secrets. Encoding a slice of these is much
// cheaper than a slice of Tasks, whose MarshalJSON output the encoder
// must check again.
func (t Task) JSON() JSONTask {
	cmd := t.Command
	if cmd == nil {
		cmd = []string{}
	}
	j := JSONTask{
		ID:         t.ID,
		Name:       optional(t.Name),
		Project:    optional(t.Project),
		PID:        t.PID,
		PGID:       t.PGID,
		Command:    cmd,
		Cwd:        t.Cwd,
		Status:     t.Status,
		ExitCode:   t.ExitCode,
		Signal:     optional(t.Signal),
		StartedAt:  timestamp(t.StartedAt),
		FinishedAt: timestamp(t.FinishedAt),
		LogPath:    t.LogPath,
		Origin:     t.OriginName(),
		Ports:      portsField(t.Ports),
	}
	if t.Usage != nil {
		cpu, rss := math.Round(t.Usage.CPUPercent*10)/10, t.Usage.RSSBytes
		j.CPUPercent, j.RSSBytes = &cpu, &rss
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
