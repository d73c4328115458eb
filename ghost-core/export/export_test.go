package export

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// sample is a service with everything an export carries, and values that
// each format must quote: spaces, quotes, backslashes, $, %, ${, a newline.
func sample(name string, p Policy) Service {
	return Service{
		Name:    name,
		Origin:  "task 3f6c2a9e (" + name + ")",
		Command: []string{"/bin/sh", "-c", `echo "$GREETING" 100% ${HOME} \ done; sleep 1`, "arg with space"},
		Dir:     "/tmp/a dir",
		Env: []Var{
			{"EMPTY", ""},
			{"GREETING", `hello "world" $USER %h ${x} \n`},
			{"MULTI", "line one\nline two"},
			{"PATH", "/usr/local/bin:/usr/bin:/bin"},
		},
		Restart:      p,
		ReadyPort:    8080,
		ReadyTimeout: 30 * time.Second,
		Home:         "/home/someone",
	}
}

var onFailure = Policy{Mode: RestartOnFailure, Delay: 1500 * time.Millisecond, Burst: 5, Window: time.Minute}

func TestRenderRefusesUnknownFormatAndEmptyCommand(t *testing.T) {
	if _, err := Render("upstart", Set{Services: []Service{sample("web", onFailure)}}); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := Render("systemd", Set{Services: []Service{{Name: "web"}}}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no command: %v", err)
	}
}

// TestSystemdVerifies writes the units of a task and of a project and has
// systemd-analyze verify them, where it exists; the settings that carry
// the policy and readiness are checked in the text either way.
func TestSystemdVerifies(t *testing.T) {
	single, err := Render("systemd", Set{Services: []Service{sample("web", onFailure)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(single) != 1 || single[0].Name != "ghost-web.service" {
		t.Fatalf("files: %v", names(single))
	}
	u := string(single[0].Data)
	for _, want := range []string{
		"\nType=exec\n",
		"\nWorkingDirectory=/tmp/a dir\n",
		"\nEnvironment=\"GREETING=hello \\\"world\\\" $USER %%h ${x} \\\\n\"\n",
		"\nEnvironment=\"MULTI=line one\\nline two\"\n",
		"\nEnvironment=PATH=/usr/local/bin:/usr/bin:/bin\n",
		"\nExecStart=/bin/sh -c \"echo \\\"$$GREETING\\\" 100%% $${HOME} \\\\ done; sleep 1\" \"arg with space\"\n",
		"/dev/tcp/127.0.0.1/8080",
		"\nTimeoutStartSec=30\n",
		"\nRestart=on-failure\n",
		"\nRestartSec=1500ms\n",
		"\nStartLimitBurst=5\n",
		"\nStartLimitIntervalSec=60\n",
		"\nWantedBy=default.target\n",
	} {
		if !strings.Contains(u, want) {
			t.Errorf("unit lacks %q:\n%s", want, u)
		}
	}

	project, err := Render("systemd", Set{Project: "shop", Services: []Service{
		sample("web", Policy{Mode: RestartAlways, Burst: Unlimited}), sample("worker", Policy{})}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(project), " "); got != "ghost-shop-web.service ghost-shop-worker.service ghost-shop.target" {
		t.Fatalf("project files: %s", got)
	}
	target := string(project[2].Data)
	if !strings.Contains(target, "\nWants=ghost-shop-web.service ghost-shop-worker.service\n") {
		t.Errorf("target:\n%s", target)
	}
	for _, f := range project[:2] {
		if !strings.Contains(string(f.Data), "\nPartOf=ghost-shop.target\n") || !strings.Contains(string(f.Data), "\nWantedBy=ghost-shop.target\n") {
			t.Errorf("%s is not part of the target:\n%s", f.Name, f.Data)
		}
	}
	if !strings.Contains(string(project[0].Data), "\nRestart=always\n") || !strings.Contains(string(project[1].Data), "\nRestart=no\n") {
		t.Errorf("policies not kept apart")
	}
	if !strings.Contains(string(project[0].Data), "\nStartLimitIntervalSec=0\n") || strings.Contains(string(project[1].Data), "StartLimit") {
		t.Errorf("an unlimited policy must lift systemd's start limit, no policy set none:\n%s", project[0].Data)
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: units checked as text only")
	}
	dir := t.TempDir()
	var paths []string
	for _, f := range append(single, project...) {
		data := bytes.ReplaceAll(f.Data, []byte("/tmp/a dir"), []byte(dir))
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	// verify exits 0 on settings it ignores, but names each: any output
	// about our files is a failure.
	out, err := exec.Command(analyze, append([]string{"verify"}, paths...)...).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte(dir)) {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// plist is a property list read back: the values of its top dict.
type plistValue struct {
	kind    string // string, integer, true, false, array, dict
	text    string
	array   []plistValue
	dict    map[string]plistValue
	ordered []string
}

// readPlist parses a property list with encoding/xml, as a plist reader
// would, failing on anything that is not a well-formed plist.
func readPlist(t *testing.T, data []byte) plistValue {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("no <plist>: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "plist" {
				t.Fatalf("root element %q", se.Name.Local)
			}
			break
		}
	}
	v, err := readValue(d)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readValue(d *xml.Decoder) (plistValue, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return plistValue{}, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return readElement(d, tok)
		case xml.EndElement:
			return plistValue{kind: "end"}, nil
		}
	}
}

func readElement(d *xml.Decoder, se xml.StartElement) (plistValue, error) {
	v := plistValue{kind: se.Name.Local}
	switch se.Name.Local {
	case "string", "integer", "key":
		var s string
		if err := d.DecodeElement(&s, &se); err != nil {
			return v, err
		}
		v.text = s
	case "true", "false":
		if err := d.Skip(); err != nil {
			return v, err
		}
	case "array":
		for {
			e, err := readValue(d)
			if err != nil {
				return v, err
			}
			if e.kind == "end" {
				break
			}
			v.array = append(v.array, e)
		}
	case "dict":
		v.dict = map[string]plistValue{}
		for {
			k, err := readValue(d)
			if err != nil {
				return v, err
			}
			if k.kind == "end" {
				break
			}
			if k.kind != "key" {
				return v, fmt.Errorf("dict holds a %s where a key belongs", k.kind)
			}
			val, err := readValue(d)
			if err != nil {
				return v, err
			}
			v.dict[k.text] = val
			v.ordered = append(v.ordered, k.text)
		}
	default:
		return v, fmt.Errorf("unknown plist element %q", se.Name.Local)
	}
	return v, nil
}

// TestLaunchdParsesBack renders agents and reads them back as property
// lists: every value arrives exactly, KeepAlive follows the policy.
func TestLaunchdParsesBack(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("launchd files are for macOS: their paths are Unix paths")
	}
	for _, c := range []struct {
		policy Policy
		check  func(plistValue) bool
	}{
		{onFailure, func(v plistValue) bool {
			return v.kind == "dict" && v.dict["SuccessfulExit"].kind == "false"
		}},
		{Policy{Mode: RestartAlways}, func(v plistValue) bool { return v.kind == "true" }},
		{Policy{}, func(v plistValue) bool { return v.kind == "false" }},
	} {
		s := sample("web", c.policy)
		files, err := Render("launchd", Set{Services: []Service{s}})
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].Name != "ghost.web.plist" {
			t.Fatalf("files: %v", names(files))
		}
		top := readPlist(t, files[0].Data)
		if top.dict["Label"].text != "ghost.web" {
			t.Errorf("Label %q", top.dict["Label"].text)
		}
		var args []string
		for _, a := range top.dict["ProgramArguments"].array {
			args = append(args, a.text)
		}
		if strings.Join(args, "\x00") != strings.Join(s.Command, "\x00") {
			t.Errorf("ProgramArguments %q, want %q", args, s.Command)
		}
		if top.dict["WorkingDirectory"].text != s.Dir {
			t.Errorf("WorkingDirectory %q", top.dict["WorkingDirectory"].text)
		}
		env := top.dict["EnvironmentVariables"].dict
		for _, v := range s.Env {
			if env[v.Key].text != v.Value {
				t.Errorf("env %s = %q, want %q", v.Key, env[v.Key].text, v.Value)
			}
		}
		if !c.check(top.dict["KeepAlive"]) {
			t.Errorf("%s: KeepAlive %+v", c.policy.mode(), top.dict["KeepAlive"])
		}
		if top.dict["RunAtLoad"].kind != "true" {
			t.Errorf("RunAtLoad %+v", top.dict["RunAtLoad"])
		}
		if c.policy.mode() == RestartOnFailure && top.dict["ThrottleInterval"].text != "2" {
			t.Errorf("ThrottleInterval %q, want 2 (1.5 s rounded up)", top.dict["ThrottleInterval"].text)
		}
		if top.dict["StandardOutPath"].text != "/home/someone/Library/Logs/ghost.web.log" {
			t.Errorf("StandardOutPath %q", top.dict["StandardOutPath"].text)
		}
		if plutil, err := exec.LookPath("plutil"); err == nil && runtime.GOOS == "darwin" {
			p := filepath.Join(t.TempDir(), files[0].Name)
			os.WriteFile(p, files[0].Data, 0o644)
			if out, err := exec.Command(plutil, "-lint", p).CombinedOutput(); err != nil {
				t.Errorf("plutil -lint: %v\n%s", err, out)
			}
		}
	}
	project, err := Render("launchd", Set{Project: "shop", Services: []Service{sample("web", onFailure), sample("worker", onFailure)}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(project), " "); got != "ghost.shop.web.plist ghost.shop.worker.plist" {
		t.Errorf("project files: %s", got)
	}
}

// TestNomadParsesBack renders a job and reads it back with HCL's own
// parser: the blocks Nomad reads are there, and every string arrives
// exactly (quotes, ${ and %{ stay literal).
func TestNomadParsesBack(t *testing.T) {
	set := Set{Project: "shop", Services: []Service{sample("web", onFailure), sample("worker", Policy{})}}
	set.Services[1].ReadyPort = 0
	files, err := Render("nomad", set)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Name != "shop.nomad.hcl" {
		t.Fatalf("files: %v", names(files))
	}
	f, diags := hclsyntax.ParseConfig(files[0].Data, files[0].Name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %v\n%s", diags, files[0].Data)
	}
	body := f.Body.(*hclsyntax.Body)
	job := only(t, body, "job")
	if job.Labels[0] != "shop" || attr(t, job.Body, "type").AsString() != "service" {
		t.Errorf("job %q type %v", job.Labels, attr(t, job.Body, "type"))
	}
	var groups []*hclsyntax.Block
	for _, b := range job.Body.Blocks {
		if b.Type == "group" {
			groups = append(groups, b)
		}
	}
	if len(groups) != 2 || groups[0].Labels[0] != "web" || groups[1].Labels[0] != "worker" {
		t.Fatalf("groups: %d", len(groups))
	}

	web := groups[0]
	restart := only(t, web.Body, "restart")
	if n, _ := attr(t, restart.Body, "attempts").AsBigFloat().Int64(); n != 4 {
		t.Errorf("attempts %d, want 4 (5 starts)", n)
	}
	if attr(t, restart.Body, "interval").AsString() != "60s" || attr(t, restart.Body, "delay").AsString() != "1500ms" || attr(t, restart.Body, "mode").AsString() != "fail" {
		t.Errorf("restart block of web")
	}
	port := only(t, only(t, web.Body, "network").Body, "port")
	if n, _ := attr(t, port.Body, "static").AsBigFloat().Int64(); port.Labels[0] != "ready" || n != 8080 {
		t.Errorf("network port %v %d", port.Labels, n)
	}
	svc := only(t, web.Body, "service")
	check := only(t, svc.Body, "check")
	if attr(t, svc.Body, "port").AsString() != "ready" || attr(t, check.Body, "type").AsString() != "tcp" {
		t.Errorf("service check")
	}
	tsk := only(t, web.Body, "task")
	if attr(t, tsk.Body, "driver").AsString() != "raw_exec" {
		t.Errorf("driver")
	}
	cfg := only(t, tsk.Body, "config")
	var args []string
	for _, v := range attr(t, cfg.Body, "args").AsValueSlice() {
		args = append(args, v.AsString())
	}
	want := append([]string{"-c", `cd "$0" && exec "$@"`, "/tmp/a dir"}, sample("web", onFailure).Command...)
	if attr(t, cfg.Body, "command").AsString() != "/bin/sh" || strings.Join(args, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("command and args %q, want %q", args, want)
	}
	env := only(t, tsk.Body, "env")
	for _, v := range sample("web", onFailure).Env {
		if got := attr(t, env.Body, v.Key).AsString(); got != v.Value {
			t.Errorf("env %s = %q, want %q", v.Key, got, v.Value)
		}
	}

	worker := groups[1]
	if attr(t, only(t, worker.Body, "restart").Body, "mode").AsString() != "fail" {
		t.Errorf("worker without restart policy should fail, not restart")
	}
	only(t, worker.Body, "reschedule")
	for _, b := range worker.Body.Blocks {
		if b.Type == "service" || b.Type == "network" {
			t.Errorf("worker has no ready port, yet a %s block", b.Type)
		}
	}

	single, err := Render("nomad", Set{Services: []Service{sample("web", Policy{})}})
	if err != nil {
		t.Fatal(err)
	}
	f, diags = hclsyntax.ParseConfig(single[0].Data, single[0].Name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if typ := attr(t, only(t, f.Body.(*hclsyntax.Body), "job").Body, "type").AsString(); typ != "batch" {
		t.Errorf("a task that is not restarted exports as a %s job, want batch", typ)
	}

	forever, err := Render("nomad", Set{Services: []Service{sample("web", Policy{Mode: RestartAlways, Burst: Unlimited})}})
	if err != nil {
		t.Fatal(err)
	}
	f, diags = hclsyntax.ParseConfig(forever[0].Data, forever[0].Name, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	r := only(t, only(t, only(t, f.Body.(*hclsyntax.Body), "job").Body, "group").Body, "restart")
	if mode := attr(t, r.Body, "mode").AsString(); mode != "delay" {
		t.Errorf("unlimited restarts: mode %q, want delay (never gives up)", mode)
	}
}

func only(t *testing.T, body *hclsyntax.Body, typ string) *hclsyntax.Block {
	t.Helper()
	var found []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == typ {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s blocks, want 1", len(found), typ)
	}
	return found[0]
}

func attr(t *testing.T, body *hclsyntax.Body, name string) cty.Value {
	t.Helper()
	a, ok := body.Attributes[name]
	if !ok {
		t.Fatalf("no attribute %s", name)
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", name, diags)
	}
	return v
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}
