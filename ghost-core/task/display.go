package task

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ghostproject/ghost/ghost-core/printable"
)

// ExitText is how the task ended in a few characters, as tables show it:
// the exit code, the signal, "?" for an end nobody saw, "-" while running.
func (t Listing) ExitText() string {
	switch {
	case t.Status == Exited && t.ExitCode != nil:
		return strconv.Itoa(*t.ExitCode)
	case t.Status == Killed:
		return t.Signal
	case t.Status == Unknown:
		return "?"
	}
	return "-"
}

// FormatRuntime shows a run time at the precision people read it at:
// 42s, 3m05s, 2h07m, 4d03h.
func FormatRuntime(d time.Duration) string { return string(AppendRuntime(nil, d)) }

// AppendRuntime appends FormatRuntime(d) to b.
func AppendRuntime(b []byte, d time.Duration) []byte {
	two := func(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	switch {
	case d < time.Minute:
		return append(strconv.AppendInt(b, int64(d.Seconds()), 10), 's')
	case d < time.Hour:
		return append(two(append(strconv.AppendInt(b, int64(d.Minutes()), 10), 'm'), int(d.Seconds())%60), 's')
	case d < 24*time.Hour:
		return append(two(append(strconv.AppendInt(b, int64(d.Hours()), 10), 'h'), int(d.Minutes())%60), 'm')
	}
	return append(two(append(strconv.AppendInt(b, int64(d.Hours())/24, 10), 'd'), int(d.Hours())%24), 'h')
}

// Field is one labelled line of a task's description.
type Field struct {
	Label, Value string
}

// Describe lists every field of a task for people, in the order both the
// CLI's status and ghost-ui's details show them. Values are raw but for
// the command, quoted as a shell would read it back: the caller makes
// them safe for its terminal.
func (t Task) Describe(now time.Time) []Field {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	pid := func(p int) string {
		if p <= 0 {
			return "-"
		}
		return strconv.Itoa(p)
	}
	f := []Field{{"id", t.ID}, {"name", dash(t.Name)}}
	if t.Project != "" {
		f = append(f, Field{"project", t.Project})
	}
	f = append(f, Field{"status", string(t.Status)})
	switch t.Status {
	case Exited:
		f = append(f, Field{"exit code", t.ExitText()})
	case Killed:
		f = append(f, Field{"signal", t.Signal})
	case Unknown:
		f = append(f, Field{"exit code", "unknown (the process ended unobserved: a reboot, or its monitor was killed)"})
	}
	if p := t.RestartPolicy; p.Restarts() || t.Restarts > 0 {
		f = append(f, Field{"restart", restartText(p)})
		f = append(f, Field{"restarts", strconv.Itoa(t.Restarts)})
		if t.Status == Restarting && !t.NextRestartAt.IsZero() {
			f = append(f, Field{"next run", t.NextRestartAt.Local().Format(time.RFC3339)})
		}
		if t.GaveUp > 0 {
			f = append(f, Field{"gave up", "after " + strconv.Itoa(t.GaveUp) + " restarts in a row"})
		}
	}
	f = append(f,
		Field{"pid", pid(t.PID)}, Field{"pgid", pid(t.PGID)},
		Field{"command", printable.Quote(t.Command)}, Field{"cwd", t.Cwd},
		Field{"started", t.StartedAt.Local().Format(time.RFC3339)})
	if !t.FinishedAt.IsZero() {
		f = append(f, Field{"finished", t.FinishedAt.Local().Format(time.RFC3339)})
	}
	f = append(f, Field{"runtime", FormatRuntime(t.Runtime(now))}, Field{"log", t.LogPath})
	if t.TTY != "" {
		f = append(f, Field{"terminal", t.TTY})
	}
	if t.OriginName() != OriginCLI {
		// Only an agent's task says so: a person's own tasks are the rule.
		f = append(f, Field{"origin", t.OriginName()})
	}
	if t.Usage != nil && t.Status == Running {
		f = append(f, Field{"cpu", t.CPUText() + " % of a core"}, Field{"memory", t.MemText() + " resident"})
	}
	if len(t.Ports) > 0 {
		var ps string
		for i, p := range t.Ports {
			if i > 0 {
				ps += ", "
			}
			ps += p.String()
		}
		f = append(f, Field{"ports", ps})
	}
	if len(t.Leftovers) > 0 {
		pids := make([]string, len(t.Leftovers))
		for i, p := range t.Leftovers {
			pids[i] = strconv.Itoa(p)
		}
		what := "1 process of its group still runs"
		if len(pids) > 1 {
			what = fmt.Sprintf("%d processes of its group still run", len(pids))
		}
		f = append(f, Field{"leftover", what + " (" + strings.Join(pids, " ") + "); stop or kill reaches them"})
	}
	if t.LogError != "" {
		f = append(f, Field{"warning", t.LogError})
	}
	return f
}

// restartText describes a restart policy in one line.
func restartText(p RestartPolicy) string {
	if !p.Restarts() {
		return string(RestartNo)
	}
	max := "unlimited"
	if p.MaxRestarts != UnlimitedRestarts {
		max = strconv.Itoa(p.MaxRestarts)
	}
	return string(p.Mode) + " (at most " + max + " in a row; delay " + p.Delay.String() + " doubling to " +
		p.DelayMax.String() + "; stable after " + p.MinUptime.String() + ")"
}

// StateText is the state as a table shows it: the status, and the
// restarts so far when there were any, as "running (3)".
func (t Listing) StateText() string {
	if t.Restarts > 0 {
		return string(t.Status) + " (" + strconv.Itoa(t.Restarts) + ")"
	}
	return string(t.Status)
}

// Columns are the headings of a task table, as `ghost list` and ghost-ui
// both show it; Cells gives a task's row under them.
var Columns = [...]string{"ID", "NAME", "STATE", "EXIT", "PID", "STARTED", "RUNTIME", "COMMAND"}

// Column indexes into Columns and Cells, for tables that treat one
// column apart (colour, width).
const (
	ColID = iota
	ColName
	ColState
	ColExit
	ColPID
	ColStarted
	ColRuntime
	ColCommand
)

// Cells is the task's row of a task table, with now as the clock: one
// formatter for every table, so the CLI and ghost-ui never disagree on a
// column. The cells are printable but for the name, which comes as
// given; a table escapes it (and the rest, cheaply) for its terminal.
func (t Listing) Cells(now time.Time) [len(Columns)]string {
	var c [len(Columns)]string
	c[ColID] = t.ShortID()
	c[ColName] = t.Name
	if c[ColName] == "" {
		c[ColName] = "-"
	}
	c[ColState] = t.StateText()
	c[ColExit] = t.ExitText()
	c[ColPID] = "-"
	if t.PID > 0 {
		c[ColPID] = strconv.Itoa(t.PID)
	}
	c[ColStarted] = StartedText(t.StartedAt, now)
	c[ColRuntime] = FormatRuntime(t.Runtime(now))
	c[ColCommand] = printable.Quote(t.Command)
	return c
}

// StartedText is when a task started as tables show it: the time of day
// for today's tasks, the date and minute otherwise.
func StartedText(started, now time.Time) string {
	return string(AppendStarted(nil, started, now))
}

// AppendStarted appends StartedText(started, now) to b.
func AppendStarted(b []byte, started, now time.Time) []byte {
	started = started.Local()
	if y, m, d := started.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return started.AppendFormat(b, "15:04:05")
	}
	return started.AppendFormat(b, "2006-01-02 15:04")
}

// CPUText is the task's CPU share as tables show it ("12.5", "0.0"), or
// "-" when not measured or not running.
func (t Task) CPUText() string {
	if t.Usage == nil || t.Status != Running {
		return "-"
	}
	return strconv.FormatFloat(t.Usage.CPUPercent, 'f', 1, 64)
}

// MemText is the task's resident memory as tables show it ("12.3M"), or
// "-" when not measured or not running.
func (t Task) MemText() string {
	if t.Usage == nil || t.Status != Running {
		return "-"
	}
	return FormatBytes(t.Usage.RSSBytes)
}

// FormatBytes shows a byte count in binary units at three significant
// figures or so: 512B, 4.0K, 12.3M, 1.5G.
func FormatBytes(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	prec := 1
	if v >= 100 {
		prec = 0
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + units[u:u+1]
}

// PortsText lists the ports the task listens on, briefly, as tables show
// them: "8080,9090,5353/udp" (one port bound on IPv4 and IPv6 once), or
// "-" when there are none or nobody looked.
func (t Task) PortsText() string {
	var seen []string
	for _, p := range t.Ports {
		s := strconv.Itoa(p.Port)
		if p.Protocol != "tcp" {
			s += "/" + p.Protocol
		}
		if !slices.Contains(seen, s) {
			seen = append(seen, s)
		}
	}
	if len(seen) == 0 {
		return "-"
	}
	return strings.Join(seen, ",")
}
