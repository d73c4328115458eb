package export

import (
	"fmt"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/version"
)

// systemd renders one user unit per service and, for a project, a target
// that starts them together.
func systemd(set Set) []File {
	var files []File
	target := ""
	if set.Project != "" {
		target = "ghost-" + slug(set.Project) + ".target"
	}
	var units []string
	for _, s := range set.Services {
		name := "ghost-" + slug(s.Name) + ".service"
		if set.Project != "" {
			name = "ghost-" + slug(set.Project) + "-" + slug(s.Name) + ".service"
		}
		units = append(units, name)
		files = append(files, File{Name: name, Data: []byte(unit(name, target, s))})
	}
	if target != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "# %s: project %s, exported by ghost %s.\n", target, set.Project, version.Release)
		fmt.Fprintf(&b, "# Copy it and its units to ~/.config/systemd/user/, then:\n")
		fmt.Fprintf(&b, "#   systemctl --user daemon-reload && systemctl --user enable --now %s\n", target)
		b.WriteString("[Unit]\n")
		fmt.Fprintf(&b, "Description=%s (exported from ghost)\n", specifiers(set.Project))
		fmt.Fprintf(&b, "Wants=%s\n", strings.Join(units, " "))
		b.WriteString("\n[Install]\nWantedBy=default.target\n")
		files = append(files, File{Name: target, Data: []byte(b.String())})
	}
	return files
}

// unit renders one service unit; target, if set, is the project's.
func unit(name, target string, s Service) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s, exported by ghost %s.\n", name, s.Origin, version.Release)
	if target == "" {
		fmt.Fprintf(&b, "# Copy it to ~/.config/systemd/user/, then:\n")
		fmt.Fprintf(&b, "#   systemctl --user daemon-reload && systemctl --user enable --now %s\n", name)
	}
	b.WriteString("[Unit]\n")
	fmt.Fprintf(&b, "Description=%s (exported from ghost)\n", specifiers(oneLine(s.Name)))
	if target != "" {
		fmt.Fprintf(&b, "PartOf=%s\n", target)
	}
	p := s.Restart
	switch {
	case p.mode() == RestartNo:
	case p.Burst == Unlimited:
		// No start limit: systemd's default (5 starts in 10 s) would
		// give up where the policy does not.
		b.WriteString("StartLimitIntervalSec=0\n")
	case p.Burst > 0:
		fmt.Fprintf(&b, "StartLimitIntervalSec=%d\n", max(seconds(p.Window), 1))
		fmt.Fprintf(&b, "StartLimitBurst=%d\n", p.Burst)
	}

	b.WriteString("\n[Service]\n")
	// exec: the unit has started once the program is executed, as a ghost
	// task has (a command that is not found fails the start).
	b.WriteString("Type=exec\n")
	if s.Dir != "" {
		fmt.Fprintf(&b, "WorkingDirectory=%s\n", specifiers(s.Dir))
	}
	for _, v := range s.Env {
		if ValidEnvKey(v.Key) {
			fmt.Fprintf(&b, "Environment=%s\n", quoteSystemd(v.Key+"="+v.Value, false))
		}
	}
	args := make([]string, len(s.Command))
	for i, a := range s.Command {
		args[i] = quoteSystemd(a, true)
	}
	fmt.Fprintf(&b, "ExecStart=%s\n", strings.Join(args, " "))
	if s.ReadyPort > 0 {
		// The unit becomes active (and what comes After= it starts) once
		// the port accepts connections, as with ghost run --ready-port.
		fmt.Fprintf(&b, "ExecStartPost=/bin/bash -c 'until : 2>/dev/null >/dev/tcp/127.0.0.1/%d; do sleep 0.2; done'\n", s.ReadyPort)
		if s.ReadyTimeout > 0 {
			fmt.Fprintf(&b, "TimeoutStartSec=%d\n", max(seconds(s.ReadyTimeout), 1))
		}
	}
	switch p.mode() {
	case RestartAlways:
		b.WriteString("Restart=always\n")
	case RestartOnFailure:
		b.WriteString("Restart=on-failure\n")
	default:
		b.WriteString("Restart=no\n")
	}
	if p.mode() != RestartNo && p.Delay > 0 {
		fmt.Fprintf(&b, "RestartSec=%dms\n", p.Delay.Milliseconds())
	}

	b.WriteString("\n[Install]\n")
	if target != "" {
		fmt.Fprintf(&b, "WantedBy=%s\n", target)
	} else {
		b.WriteString("WantedBy=default.target\n")
	}
	return b.String()
}

// specifiers escapes systemd's % specifiers in a value systemd expands
// them in.
func specifiers(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// oneLine keeps a value to its first line: a unit setting ends at a
// newline.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// quoteSystemd writes s as one word of a unit setting: in double quotes
// with C-style escapes when it holds anything systemd would split or read,
// % doubled (specifiers) and, in a command line (exec), $ doubled
// (variable expansion) and a lone ";" (command separator) escaped.
func quoteSystemd(s string, exec bool) string {
	if exec && s == ";" {
		return `\;`
	}
	var b strings.Builder
	quote := s == ""
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
			quote = true
		case r == '"':
			b.WriteString(`\"`)
			quote = true
		case r == '%':
			b.WriteString("%%")
		case r == '$' && exec:
			b.WriteString("$$")
		case r == '\n':
			b.WriteString(`\n`)
			quote = true
		case r == '\t':
			b.WriteString(`\t`)
			quote = true
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
			quote = true
		case r == ' ' || r == '\'' || r == ';':
			b.WriteRune(r)
			quote = true
		default:
			b.WriteRune(r)
		}
	}
	if quote {
		return `"` + b.String() + `"`
	}
	return b.String()
}
