package export

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/version"
)

// launchd renders one LaunchAgent property list per service.
func launchd(set Set) []File {
	var files []File
	for _, s := range set.Services {
		label := "ghost." + slug(s.Name)
		if set.Project != "" {
			label = "ghost." + slug(set.Project) + "." + slug(s.Name)
		}
		files = append(files, File{Name: label + ".plist", Data: []byte(agent(label, s))})
	}
	return files
}

// agent renders one LaunchAgent.
func agent(label string, s Service) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	fmt.Fprintf(&b, "<!-- %s.plist: %s, exported by ghost %s.\n", label, comment(s.Origin), version.Release)
	fmt.Fprintf(&b, "     Copy it to ~/Library/LaunchAgents/, then:\n")
	fmt.Fprintf(&b, "       launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/%s.plist -->\n", label)
	b.WriteString(`<plist version="1.0">` + "\n<dict>\n")
	key := func(k string) { fmt.Fprintf(&b, "\t<key>%s</key>\n", text(k)) }
	str := func(indent, v string) { fmt.Fprintf(&b, "%s<string>%s</string>\n", indent, text(v)) }

	key("Label")
	str("\t", label)
	key("ProgramArguments")
	b.WriteString("\t<array>\n")
	for _, a := range s.Command {
		str("\t\t", a)
	}
	b.WriteString("\t</array>\n")
	if s.Dir != "" {
		key("WorkingDirectory")
		str("\t", s.Dir)
	}
	if len(s.Env) > 0 {
		key("EnvironmentVariables")
		b.WriteString("\t<dict>\n")
		for _, v := range s.Env {
			if !ValidEnvKey(v.Key) {
				continue
			}
			fmt.Fprintf(&b, "\t\t<key>%s</key>\n", text(v.Key))
			str("\t\t", v.Value)
		}
		b.WriteString("\t</dict>\n")
	}
	// Started when loaded (at login), as a ghost task starts at once.
	key("RunAtLoad")
	b.WriteString("\t<true/>\n")
	key("KeepAlive")
	switch s.Restart.mode() {
	case RestartAlways:
		b.WriteString("\t<true/>\n")
	case RestartOnFailure:
		// Kept alive only while it does not exit with success.
		b.WriteString("\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n")
	default:
		b.WriteString("\t<false/>\n")
	}
	if s.Restart.mode() != RestartNo && s.Restart.Delay > 0 {
		// launchd spaces starts by ThrottleInterval seconds (default 10).
		key("ThrottleInterval")
		fmt.Fprintf(&b, "\t<integer>%d</integer>\n", seconds(s.Restart.Delay))
	}
	if s.Home != "" {
		log := filepath.Join(s.Home, "Library", "Logs", label+".log")
		key("StandardOutPath")
		str("\t", log)
		key("StandardErrorPath")
		str("\t", log)
	}
	b.WriteString("</dict>\n</plist>\n")
	return b.String()
}

// text escapes s for XML character data, as encoding/xml's EscapeText
// does (written out, so that encoding/xml's tables are not built at every
// start of the binary, a task's monitor included); characters XML 1.0
// cannot hold at all (most control characters) are dropped.
func text(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			continue
		}
		switch r {
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// comment keeps s from closing an XML comment.
func comment(s string) string {
	return strings.ReplaceAll(text(s), "--", "- -")
}
