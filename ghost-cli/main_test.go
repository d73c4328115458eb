package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ghostproject/ghost/ghost-cli/internal/command"
	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-core/proc"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// TestMain makes this test binary double as the ghost binary (and, when
// re-executed as one, as a task's monitor), so scripts drive the real
// command line in real processes.
func TestMain(m *testing.M) {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	testscript.Main(m, map[string]func(){
		"ghost":           func() { os.Exit(command.Main(os.Args, os.Stdout, os.Stderr)) },
		"ghost-ticker":    ticker,
		"ghost-subreaper": subreaper,
		"ghost-pace":      pace,
		"test-server":     testServer,
		"ghost-clock":     clock,
	})
}

func TestScripts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the scripts use sh, sleep and Unix signals; TestWindowsScripts runs testdata/windows")
	}
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			dir := filepath.Join(env.WorkDir, ".ghost")
			env.Setenv("GHOST_DATA_DIR", dir)
			// Where the ghost under test lives, for scripts that set PATH.
			if bin, err := exec.LookPath("ghost"); err == nil {
				env.Setenv("GHOSTBIN", filepath.Dir(bin))
			}
			env.Defer(func() { stopAllOrFail(env.T(), dir) })
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture":     cmdCapture,
			"waitfor":     cmdWaitFor,
			"gone":        cmdGone,
			"mode":        cmdMode,
			"waitlog":     cmdWaitLog,
			"freeport":    cmdFreePort,
			"dial":        cmdDial,
			"now":         cmdNow,
			"checkstamps": cmdCheckStamps,
			"waitwarning": cmdWaitWarning,
			"killmonitor": cmdKillMonitor,
		},
	})
}

// stopAllOrFail is stopAll for a test: a monitor it had to kill fails it.
func stopAllOrFail(t interface {
	Log(...any)
	FailNow()
}, dir string) {
	if killed := stopAll(dir); len(killed) > 0 {
		t.Log(strings.Join(killed, "\n"))
		t.FailNow()
	}
}

// stopAll kills whatever a script left running, so no test leaks
// processes, and waits for every monitor to be gone, so that removing the
// data directory does not race a monitor's last writes. It says which
// monitors it had to kill because they outlived their tasks by 30 s.
func stopAll(dir string) (killed []string) {
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		return
	}
	defer e.Close()
	ctx := context.Background()
	tasks, _ := e.List(ctx, engine.Filter{})
	for _, t := range tasks {
		// A finished task may have left processes in its group, which
		// its monitor waits for: stop reaches those too.
		e.Stop(ctx, t.ID, 0)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, mon := range monitors(dir) {
		for mon.Live() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if mon.Live() {
			// Never left behind to spin after the test: end it, say so.
			killMonitor(mon)
			killed = append(killed, fmt.Sprintf("monitor %d in %s outlived its test by 30 s: killed", mon.PID, dir))
		}
	}
	return killed
}

// killMonitor ends a monitor, once it is checked to be the one recorded,
// and waits until it is gone.
func killMonitor(mon proc.Identity) {
	if mon.Check() != nil {
		return
	}
	killProcess(mon.PID)
	for deadline := time.Now().Add(10 * time.Second); mon.Live() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

// killmonitor TASK ends the task's monitor at once: for a script whose
// monitor would take minutes to finish its work after the test is done.
func cmdKillMonitor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: killmonitor TASK")
	}
	e, err := engine.OpenDir(context.Background(), ts.Getenv("GHOST_DATA_DIR"))
	ts.Check(err)
	defer e.Close()
	tk, err := e.Get(context.Background(), args[0])
	ts.Check(err)
	mon := proc.Identity{PID: tk.MonitorPID, Start: tk.MonitorStart, BootID: tk.BootID}
	killMonitor(mon)
	if mon.Live() {
		ts.Fatalf("monitor %d of %s still runs after SIGKILL", mon.PID, args[0])
	}
}

// monitors reads every task's monitor identity straight from the
// database: listings leave identities out.
func monitors(dir string) []proc.Identity {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "tasks.db")+"?_busy_timeout=10000&mode=ro")
	if err != nil {
		return nil
	}
	defer db.Close()
	rows, err := db.Query(`SELECT monitor_pid, monitor_start, boot_id FROM tasks WHERE monitor_pid > 0`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []proc.Identity
	for rows.Next() {
		var id proc.Identity
		if rows.Scan(&id.PID, &id.Start, &id.BootID) == nil {
			out = append(out, id)
		}
	}
	return out
}

// capture VAR sets $VAR to the last command's stdout, trimmed: how a
// script keeps the id that `ghost run` printed.
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: capture VAR")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}

// waitfor TASK STATE polls, with a deadline, until the task is in STATE.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfor TASK STATE")
	}
	e, err := engine.OpenDir(context.Background(), ts.Getenv("GHOST_DATA_DIR"))
	ts.Check(err)
	defer e.Close()
	deadline := time.Now().Add(30 * time.Second)
	var last task.Status
	for time.Now().Before(deadline) {
		tk, err := e.Get(context.Background(), args[0])
		ts.Check(err)
		if last = tk.Status; string(last) == args[1] {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("task %s still %s, want %s", args[0], last, args[1])
}

// waitlog TASK REGEXP polls, with a deadline, until the task's log
// matches: how a script knows a task got far enough.
func cmdWaitLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlog TASK REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	e, err := engine.OpenDir(context.Background(), ts.Getenv("GHOST_DATA_DIR"))
	ts.Check(err)
	defer e.Close()
	tk, err := e.Get(context.Background(), args[0])
	ts.Check(err)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var b strings.Builder
		ts.Check(e.Log(&b, tk.ID, engine.LogOptions{Tail: -1}))
		if re.MatchString(b.String()) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.Fatalf("log of %s never matched %q", args[0], args[1])
}

// gone PIDFILE polls, with a deadline, until the process whose pid the
// file holds no longer exists (reaped or zombie).
func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: [!] gone PIDFILE")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(args[0])))
	ts.Check(err)
	if neg {
		if !processLives(pid) {
			ts.Fatalf("process %d is gone", pid)
		}
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for processLives(pid) {
		if time.Now().After(deadline) {
			ts.Fatalf("process %d still runs", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mode PATH PERM checks a file's permission bits, such as 0600.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mode PATH PERM")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	if got := uint64(fi.Mode().Perm()); (got == want) == neg {
		ts.Fatalf("%s has mode %04o, want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// testServer is a small TCP service for CI-style scripts: it listens on
// the port given, prints what each client sends and answers "ok".
func testServer() {
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("serving on", l.Addr())
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(1)
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		fmt.Printf("got: %s", line)
		fmt.Fprintln(c, "ok")
		c.Close()
	}
}

// freeport VAR sets $VAR to a TCP port nothing listens on now.
func cmdFreePort(ts *testscript.TestScript, neg bool, args []string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	defer l.Close()
	ts.Setenv(args[0], strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

// dial PORT MESSAGE connects to the port, sends the message and expects
// "ok" back.
func cmdDial(ts *testscript.TestScript, neg bool, args []string) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+args[0], 10*time.Second)
	ts.Check(err)
	defer c.Close()
	fmt.Fprintln(c, args[1])
	reply, err := bufio.NewReader(c).ReadString('\n')
	ts.Check(err)
	if reply != "ok\n" {
		ts.Fatalf("reply %q", reply)
	}
}

// clock N writes N lines, alternately to stdout and stderr, each holding
// the time it is written, a few milliseconds apart: a task whose capture
// times can be checked against its own.
func clock() {
	n, _ := strconv.Atoi(os.Args[1])
	for i := range n {
		w, name := os.Stdout, "out"
		if i%2 == 1 {
			w, name = os.Stderr, "err"
		}
		fmt.Fprintf(w, "%s %d %d\n", name, i, time.Now().UnixNano())
		time.Sleep(20 * time.Millisecond) // the task's pace, not a test's wait
	}
}

// now VAR sets $VAR to the current time, RFC 3339 with nanoseconds.
func cmdNow(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: now VAR")
	}
	ts.Setenv(args[0], time.Now().UTC().Format(time.RFC3339Nano))
}

// checkstamps FILE checks `ghost log --timestamps` of a ghost-clock task:
// each line's capture time is no earlier than the time the task wrote in
// it (to the millisecond) and no later than now, and capture times never
// go back: orderings, not durations, so a loaded machine cannot fail it.
func cmdCheckStamps(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: checkstamps FILE")
	}
	var prev time.Time
	lines := strings.Split(strings.TrimSuffix(ts.ReadFile(args[0]), "\n"), "\n")
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) != 4 {
			ts.Fatalf("line %q: want TIME STREAM N NANOS", line)
		}
		at, err := time.Parse(time.RFC3339Nano, f[0])
		ts.Check(err)
		ns, err := strconv.ParseInt(f[3], 10, 64)
		ts.Check(err)
		wrote := time.Unix(0, ns).Truncate(time.Millisecond)
		if at.Before(wrote) || at.After(time.Now()) {
			ts.Fatalf("line %q captured at %s, written at %s", line, at.Format(time.RFC3339Nano), wrote.Format(time.RFC3339Nano))
		}
		if at.Before(prev) {
			ts.Fatalf("capture times go back at %q", line)
		}
		prev = at
	}
	if len(lines) < 2 {
		ts.Fatalf("only %d lines", len(lines))
	}
}

// waitwarning TASK REGEXP polls, with a deadline, until the task's
// recorded log error matches.
func cmdWaitWarning(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitwarning TASK REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	e, err := engine.OpenDir(context.Background(), ts.Getenv("GHOST_DATA_DIR"))
	ts.Check(err)
	defer e.Close()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		tk, err := e.Get(context.Background(), args[0])
		ts.Check(err)
		if re.MatchString(tk.LogError) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("log error of %s never matched %q", args[0], args[1])
}
