package export

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/ghostproject/ghost/ghost-core/version"
)

// envName is a portable environment variable name, as POSIX defines
// them: systemd refuses others, Nomad's env block takes HCL identifiers.
var envName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// ValidEnvKey reports whether key can be written in every format; the
// renderers leave out variables whose names are not.
func ValidEnvKey(key string) bool { return envName().MatchString(key) }

// nomad renders one job with a group per service, run by raw_exec.
func nomad(set Set) []File {
	job := set.Project
	if job == "" {
		job = set.Services[0].Name
	}
	job = slug(job)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s.nomad.hcl: ", job)
	if set.Project != "" {
		fmt.Fprintf(&b, "project %s", oneLine(set.Project))
	} else {
		b.WriteString(oneLine(set.Services[0].Origin))
	}
	fmt.Fprintf(&b, ", exported by ghost %s.\n", version.Release)
	b.WriteString("# The raw_exec driver runs the commands as they are on the client, which\n")
	b.WriteString("# must enable it: plugin \"raw_exec\" { config { enabled = true } }.\n")
	b.WriteString("# Run it with: nomad job run " + job + ".nomad.hcl\n")
	fmt.Fprintf(&b, "job %s {\n", hclString(job))
	// A task that is not restarted runs once: a batch job. Services that
	// restart are a service job.
	typ := "batch"
	for _, s := range set.Services {
		if s.Restart.mode() != RestartNo {
			typ = "service"
		}
	}
	fmt.Fprintf(&b, "  type = %s\n", hclString(typ))
	for _, s := range set.Services {
		group(&b, s)
	}
	b.WriteString("}\n")
	return []File{{Name: job + ".nomad.hcl", Data: []byte(b.String())}}
}

// group renders one service as a group holding one task.
func group(b *strings.Builder, s Service) {
	name := slug(s.Name)
	fmt.Fprintf(b, "\n  group %s {\n", hclString(name))
	p := s.Restart
	b.WriteString("    restart {\n")
	switch p.mode() {
	case RestartNo:
		b.WriteString("      attempts = 0\n      mode     = \"fail\"\n")
	default:
		if p.mode() == RestartOnFailure {
			b.WriteString("      # Nomad restarts a service job's task however it exits.\n")
		}
		// Nomad counts restarts (not starts) within the interval; "delay"
		// waits for the next interval and goes on, "fail" gives up.
		attempts, mode := p.Burst-1, "fail"
		if p.Burst == Unlimited || p.Burst == 0 {
			attempts, mode = 10, "delay"
		}
		fmt.Fprintf(b, "      attempts = %d\n", max(attempts, 0))
		if p.Window > 0 {
			fmt.Fprintf(b, "      interval = %s\n", hclString(fmt.Sprintf("%ds", max(seconds(p.Window), 1))))
		}
		if p.Delay > 0 {
			fmt.Fprintf(b, "      delay    = %s\n", hclString(fmt.Sprintf("%dms", p.Delay.Milliseconds())))
		}
		fmt.Fprintf(b, "      mode     = %s\n", hclString(mode))
	}
	b.WriteString("    }\n")
	if p.mode() == RestartNo {
		b.WriteString("    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n")
	}
	if s.ReadyPort > 0 {
		fmt.Fprintf(b, "    network {\n      port \"ready\" {\n        static = %d\n      }\n    }\n", s.ReadyPort)
		fmt.Fprintf(b, "    service {\n      name     = %s\n      provider = \"nomad\"\n      port     = \"ready\"\n", hclString(serviceName(s.Name)))
		b.WriteString("      check {\n        type     = \"tcp\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n      }\n    }\n")
	}
	fmt.Fprintf(b, "    task %s {\n", hclString(name))
	b.WriteString("      driver = \"raw_exec\"\n")
	b.WriteString("      config {\n")
	command, args := s.Command[0], s.Command[1:]
	if s.Dir != "" {
		// raw_exec has no working-directory setting in every Nomad
		// version: a shell enters the directory, then becomes the command.
		args = append([]string{"-c", `cd "$0" && exec "$@"`, s.Dir, command}, args...)
		command = "/bin/sh"
	}
	fmt.Fprintf(b, "        command = %s\n", hclString(command))
	if len(args) > 0 {
		quoted := make([]string, len(args))
		for i, a := range args {
			quoted[i] = hclString(a)
		}
		fmt.Fprintf(b, "        args    = [%s]\n", strings.Join(quoted, ", "))
	}
	b.WriteString("      }\n")
	if len(s.Env) > 0 {
		b.WriteString("      env {\n")
		for _, v := range s.Env {
			if ValidEnvKey(v.Key) {
				fmt.Fprintf(b, "        %s = %s\n", v.Key, hclString(v.Value))
			}
		}
		b.WriteString("      }\n")
	}
	b.WriteString("    }\n  }\n")
}

// serviceName makes a Nomad service name: lower-case letters, digits and
// dashes.
func serviceName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "task"
	}
	return s
}

// hclString writes s as an HCL quoted string that HCL reads back as s:
// escapes for quotes, backslashes and control characters, and the
// template sequences ${ and %{ doubled so they stay literal.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
