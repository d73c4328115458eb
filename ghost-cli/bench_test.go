//go:build unix

package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkFollowLatency measures the time from a line being written by a
// task to `ghost log -f` printing it.
func BenchmarkFollowLatency(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	const lines = 200
	var all []time.Duration
	for range b.N {
		out, errOut, err := ghostResult(dir, "run", "ghost-ticker", strconv.Itoa(lines), "10ms")
		if err != nil {
			b.Fatal(err, errOut)
		}
		f := ghostCmd(dir, "log", "-f", strings.TrimSpace(out))
		pipe, _ := f.StdoutPipe()
		if err := f.Start(); err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			now := time.Now().UnixNano()
			stamp, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err == nil {
				all = append(all, time.Duration(now-stamp))
			}
		}
		f.Wait()
	}
	// The first lines may be read from the file at start, not followed.
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(all[len(all)*9/10].Microseconds())/1000, "ms-p90")
}

// BenchmarkRun measures `ghost run true`, wall time, from the caller's side.
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	var all []time.Duration
	for range b.N {
		start := time.Now()
		if _, errOut, err := ghostResult(dir, "run", "true"); err != nil {
			b.Fatal(err, errOut)
		}
		all = append(all, time.Since(start))
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
}

// history fills a data directory with n finished tasks, as a long-used
// ghost has them.
func history(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if _, errOut, err := ghostResult(dir, "list"); err != nil {
		b.Fatal(err, errOut)
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "tasks.db")+"?_busy_timeout=10000")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	env, _ := json.Marshal(benchEnv())
	tx, _ := db.Begin()
	stmt, _ := tx.Prepare(`INSERT INTO tasks (id, pid, pgid, command, env, cwd, status, exit_code, started_at, finished_at, log_path, name, seq)
		VALUES (?, ?, ?, '["sh","-c","make -j8 all"]', ?, '/home/dev/src/project', 'exited', 0, ?, ?, ?, ?, ?)`)
	for i := range n {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		stmt.Exec(id, 1000+i, 1000+i, string(env), 1700000000+i, 1700000060+i, filepath.Join(dir, "logs", id+".log"), fmt.Sprintf("job%d", i), i+1)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchEnv is the environment each history row carries, as ghost run
// stores the caller's whole one: 40 variables, 3 KiB, about what a
// developer's shell exports (a long PATH, LS_COLORS and the like).
func benchEnv() map[string]string {
	env := map[string]string{
		"PATH":      strings.Repeat("/home/dev/.local/bin:/usr/local/sbin:", 8) + "/usr/bin:/bin",
		"LS_COLORS": strings.Repeat("rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:", 20),
	}
	for i := range 38 {
		env[fmt.Sprintf("VAR_%02d", i)] = strings.Repeat("v", 40)
	}
	return env
}

// benchCommand times a ghost command over b.N runs and reports the median.
func benchCommand(b *testing.B, dir string, args ...string) {
	benchExec(b, func() *exec.Cmd { return ghostCommand(benchGhost(), dir, args...) })
}

// benchExec times the command cmd makes over b.N runs and reports the
// median and the peak RSS.
func benchExec(b *testing.B, command func() *exec.Cmd) {
	var all []time.Duration
	for b.Loop() {
		cmd := command()
		// Output goes to /dev/null, as with hyperfine: what is timed is the
		// command, not this process reading megabytes of it.
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err, stderr.String())
		}
		all = append(all, time.Since(start))
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
	if peak := peakRSS(b, command()); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
	}
}

func BenchmarkHistory(b *testing.B) {
	for _, n := range []int{10, 10_000, 100_000} {
		dir := history(b, n)
		b.Run(fmt.Sprintf("list/%d", n), func(b *testing.B) { benchCommand(b, dir, "list") })
		b.Run(fmt.Sprintf("list-json/%d", n), func(b *testing.B) { benchCommand(b, dir, "list", "--json") })
		b.Run(fmt.Sprintf("list-q/%d", n), func(b *testing.B) { benchCommand(b, dir, "list", "-q") })
		b.Run(fmt.Sprintf("status/%d", n), func(b *testing.B) { benchCommand(b, dir, "status", "job5") })
		b.Run(fmt.Sprintf("list-running/%d", n), func(b *testing.B) { benchCommand(b, dir, "list", "-s", "running") })
		// A peer for the listings: SQLite's own shell printing the rows
		// list reads, from the same index in the same order.
		if _, err := exec.LookPath("sqlite3"); err == nil {
			db := filepath.Join(dir, "tasks.db")
			q := `SELECT id, pid, pgid, command, cwd, status, exit_code, started_at, finished_at, log_path, name, signal,
				project, origin, restart, restarts, next_restart_at FROM tasks INDEXED BY idx_tasks_list ORDER BY started_at DESC, seq DESC`
			b.Run(fmt.Sprintf("sqlite3/%d", n), func(b *testing.B) {
				benchExec(b, func() *exec.Cmd { return exec.Command("sqlite3", "-readonly", db, q) })
			})
		}
	}
}

// BenchmarkCapture compares a task writing 512 MiB as fast as it can under
// ghost with the same command redirected to a file; the metric is ghost's
// throughput as a percentage of the redirect's.
func BenchmarkCapture(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	const cmd = "head -c 512M /dev/zero"
	var ratios, catRatios []float64
	for b.Loop() {
		direct := filepath.Join(b.TempDir(), "out")
		start := time.Now()
		if err := exec.Command("sh", "-c", cmd+" > "+direct).Run(); err != nil {
			b.Fatal(err)
		}
		directTime := time.Since(start)
		os.Remove(direct)
		// The floor of any capture through a pipe: cat draining it into
		// the file (two more copies of every byte than the redirect).
		start = time.Now()
		if err := exec.Command("sh", "-c", cmd+" | cat > "+direct).Run(); err != nil {
			b.Fatal(err)
		}
		catRatios = append(catRatios, float64(directTime)/float64(time.Since(start))*100)
		os.Remove(direct)
		stamp := filepath.Join(b.TempDir(), "t")
		out, errOut, err := benchResult(dir, "run", "--log-max-size", "1G", "sh", "-c",
			`s=$(date +%s%N); `+cmd+`; e=$(date +%s%N); echo $((e - s)) > `+stamp)
		if err != nil {
			b.Fatal(err, errOut)
		}
		id := strings.TrimSpace(out)
		benchResult(dir, "wait", id)
		raw, _ := os.ReadFile(stamp)
		ns, _ := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		ratios = append(ratios, float64(directTime)/float64(ns)*100)
		benchResult(dir, "rm", id)
	}
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "%-of-redirect")
	sort.Float64s(catRatios)
	b.ReportMetric(catRatios[len(catRatios)/2], "cat-%-of-redirect")
}

// BenchmarkMonitorMemory starts 50 tasks and reports the median PSS of
// their monitors, each measured once it waits in its second image: what
// each running task costs.
func BenchmarkMonitorMemory(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var pss []int
	for b.Loop() {
		var monitors []int
		for range 50 {
			out, errOut, err := benchResult(dir, "run", "sleep", "300")
			if err != nil {
				b.Fatal(err, errOut)
			}
			tk, _ := e.Get(context.Background(), strings.TrimSpace(out))
			monitors = append(monitors, tk.MonitorPID)
		}
		pss = append(pss, secondImagePSS(b, monitors)...)
		stopAll(dir)
	}
	sort.Ints(pss)
	b.ReportMetric(float64(pss[len(pss)/2]), "KiB-PSS-median")
}

// secondImagePSS waits until each monitor waits in its second image, then
// reads the PSS of each, in KiB.
func secondImagePSS(b *testing.B, monitors []int) []int {
	for _, pid := range monitors {
		waitSecondImage(b, pid)
	}
	pss := make([]int, 0, len(monitors))
	for _, pid := range monitors {
		pss = append(pss, pssKiB(pid))
	}
	return pss
}

// waitSecondImage waits until monitor pid has re-executed itself to wait.
func waitSecondImage(b *testing.B, pid int) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		cmdline, _ := commandLine(pid)
		if strings.Contains(cmdline, "__ghost_monitor_wait") {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("monitor %d not waiting in its second image: %q", pid, cmdline)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func pssKiB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// benchGhost is the ghost binary benchmarks time: $GHOST_BIN (make bench:
// bin/ghost, as users run it), else this test binary acting as ghost.
func benchGhost() string {
	if p := os.Getenv("GHOST_BIN"); p != "" {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	exe, _ := os.Executable()
	return exe
}

// benchResult runs benchGhost with the data directory dir.
func benchResult(dir string, args ...string) (string, string, error) {
	return result(ghostCommand(benchGhost(), dir, args...))
}

// BenchmarkLaunch times starting `true` in the background with ghost and
// with the tools people would otherwise use, alternating between them in
// one run so that a noisy machine weighs on all alike: nq and tsp when
// installed, pm2 when on PATH, and setsid as the floor (a bare fork with nothing recorded).
// GHOST_BIN names the ghost binary to time (make bench: bin/ghost); the
// default is this test binary acting as ghost.
func BenchmarkLaunch(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	ghostBin := benchGhost()
	tools := []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"ghost", func() *exec.Cmd { return ghostCommand(ghostBin, dir, "run", "true") }},
		{"setsid", func() *exec.Cmd { return exec.Command("setsid", "-f", "true") }},
	}
	// The floor: a minimal Go program that starts itself as a monitor,
	// which starts the command and reports it runs (testdata/floor), as
	// pure Go and with the C runtime linked, as ghost is.
	trueBin, err := exec.LookPath("true")
	if err != nil {
		b.Fatal(err)
	}
	for _, cgo := range []string{"0", "1"} {
		bin := filepath.Join(b.TempDir(), "floor")
		build := exec.Command("go", "build", "-o", bin, "./testdata/floor")
		build.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("building the floor program: %v\n%s", err, out)
		}
		name := map[string]string{"0": "floor", "1": "floor-cgo"}[cgo]
		tools = append(tools, struct {
			name string
			cmd  func() *exec.Cmd
		}{name, func() *exec.Cmd { return exec.Command(bin, trueBin) }})
	}
	if _, err := exec.LookPath("nq"); err == nil {
		nqDir := b.TempDir()
		tools = append(tools, struct {
			name string
			cmd  func() *exec.Cmd
		}{"nq", func() *exec.Cmd {
			c := exec.Command("nq", "true")
			c.Env = append(os.Environ(), "NQDIR="+nqDir)
			return c
		}})
	}
	if _, err := exec.LookPath("tsp"); err == nil {
		sock := filepath.Join(b.TempDir(), "tsp.sock")
		env := append(os.Environ(), "TS_SOCKET="+sock, "TS_SAVELIST=", "TS_MAXFINISHED=10000")
		defer func() { c := exec.Command("tsp", "-K"); c.Env = env; c.Run() }()
		tools = append(tools, struct {
			name string
			cmd  func() *exec.Cmd
		}{"tsp", func() *exec.Cmd {
			c := exec.Command("tsp", "true")
			c.Env = env
			return c
		}})
	}
	if _, err := exec.LookPath("pm2"); err == nil {
		// pm2 runs its daemon first (not timed); each launch is one
		// `pm2 start` talking to it, with restarts off as with the others.
		env := append(os.Environ(), "PM2_HOME="+b.TempDir())
		pm2 := func(args ...string) *exec.Cmd {
			c := exec.Command("pm2", args...)
			c.Env = env
			return c
		}
		if out, err := pm2("ping").CombinedOutput(); err != nil {
			b.Fatalf("pm2 ping: %v %s", err, out)
		}
		defer pm2("kill").Run()
		n := 0
		tools = append(tools, struct {
			name string
			cmd  func() *exec.Cmd
		}{"pm2", func() *exec.Cmd {
			n++
			return pm2("start", "true", "--name", fmt.Sprintf("t%d", n), "--no-autorestart")
		}})
	}
	times := make([][]time.Duration, len(tools))
	for b.Loop() {
		for i, t := range tools {
			c := t.cmd()
			start := time.Now()
			if out, err := c.CombinedOutput(); err != nil {
				b.Fatalf("%s: %v %s", t.name, err, out)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i, t := range tools {
		b.ReportMetric(float64(median(times[i]).Microseconds())/1000, t.name+"-ms")
	}
}

// uiSession runs ghost-ui on dir in a detached tmux session of 120x40 and
// returns its pid, a function that reads the screen and one that types
// keys. GHOST_UI_BIN names the binary (make bench: bin/ghost-ui); without
// it, or without tmux, the benchmark is skipped.
func uiSession(b *testing.B, dir string) (int, func() string, func(keys ...string)) {
	b.Helper()
	ui := os.Getenv("GHOST_UI_BIN")
	if ui == "" {
		b.Skip("GHOST_UI_BIN not set")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux not installed")
	}
	ui, _ = filepath.Abs(ui)
	sock := filepath.Join(b.TempDir(), "tmux.sock")
	tmux := func(args ...string) *exec.Cmd { return exec.Command("tmux", append([]string{"-S", sock}, args...)...) }
	start := tmux("new-session", "-d", "-x", "120", "-y", "40", "env", "GHOST_DATA_DIR="+dir, "TERM=xterm-256color", ui)
	if out, err := start.CombinedOutput(); err != nil {
		b.Fatalf("tmux: %v %s", err, out)
	}
	b.Cleanup(func() { tmux("kill-server").Run() })
	out, err := tmux("list-panes", "-F", "#{pane_pid}").Output()
	if err != nil {
		b.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	screen := func() string {
		out, _ := tmux("capture-pane", "-p").Output()
		return string(out)
	}
	send := func(keys ...string) { tmux(append([]string{"send-keys"}, keys...)...).Run() }
	return pid, screen, send
}

// waitScreen polls the screen until it shows want.
func waitScreen(b *testing.B, screen func() string, want string) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(screen(), want) {
		if time.Now().After(deadline) {
			b.Fatalf("ghost-ui never showed %q:\n%s", want, screen())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// cpuTicks is the user and system time pid has used, in clock ticks.
func cpuTicks(tb testing.TB, pid int) int {
	stat := procStat(tb, pid)
	u, _ := strconv.Atoi(stat[11])
	s, _ := strconv.Atoi(stat[12])
	return u + s
}

// BenchmarkUIIdle reports the share of one core ghost-ui uses, idle, while
// it shows 50 running tasks (USER_HZ is 100 on Linux).
func BenchmarkUIIdle(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	for range 50 {
		if _, errOut, err := benchResult(dir, "run", "sleep", "600"); err != nil {
			b.Fatal(err, errOut)
		}
	}
	pid, screen, _ := uiSession(b, dir)
	waitScreen(b, screen, "50 running")
	uiShare(b, pid, 20*time.Second)
}

// uiShare reports the median share of one core pid used over b.N
// intervals of every, read from /proc (USER_HZ is 100 on Linux).
func uiShare(b *testing.B, pid int, every time.Duration) {
	var shares []float64
	for b.Loop() {
		before, start := cpuTicks(b, pid), time.Now()
		time.Sleep(every)
		ticks := cpuTicks(b, pid) - before
		shares = append(shares, float64(ticks)/100/time.Since(start).Seconds()*100)
	}
	sort.Float64s(shares)
	b.ReportMetric(shares[len(shares)/2], "%-of-a-core")
}

// BenchmarkUIIdleHistory: ghost-ui open on a history of 1,000 tasks, three
// of them running (so the costs are measured every 2 s), nobody typing.
func BenchmarkUIIdleHistory(b *testing.B) {
	dir := history(b, 1000)
	defer stopAll(dir)
	for range 3 {
		if _, errOut, err := benchResult(dir, "run", "sleep", "600"); err != nil {
			b.Fatal(err, errOut)
		}
	}
	pid, screen, _ := uiSession(b, dir)
	waitScreen(b, screen, "3 running")
	uiShare(b, pid, 10*time.Second)
}

// BenchmarkUIFollowLines: ghost-ui following a task that prints 2,000
// lines a second.
func BenchmarkUIFollowLines(b *testing.B) {
	uiFollow(b, "2000", "line", "line ")
}

// BenchmarkUIFollowSpinner: ghost-ui following a task that redraws a
// carriage-return progress spinner 1,000 times a second, never a newline.
func BenchmarkUIFollowSpinner(b *testing.B) {
	uiFollow(b, "1000", "spinner", "building")
}

func uiFollow(b *testing.B, rate, kind, shows string) {
	dir := b.TempDir()
	defer stopAll(dir)
	if _, errOut, err := benchResult(dir, "run", "-n", "flood", "ghost-pace", rate, kind); err != nil {
		b.Fatal(err, errOut)
	}
	pid, screen, _ := uiSession(b, dir)
	waitScreen(b, screen, shows)
	uiShare(b, pid, 10*time.Second)
}

// BenchmarkUIKeyToScreen: with 10,000 tasks in history, the time from a
// key press (j, then k) to the screen showing the selection moved, read
// by tmux: the position in the header changes.
func BenchmarkUIKeyToScreen(b *testing.B) {
	dir := history(b, 10_000)
	_, screen, send := uiSession(b, dir)
	waitScreen(b, screen, "job9999")
	waitScreen(b, screen, " 1/1000+")
	var all []time.Duration
	down := true
	for b.Loop() {
		key, want := "j", " 2/1000+"
		if !down {
			key, want = "k", " 1/1000+"
		}
		down = !down
		start := time.Now()
		send(key)
		waitScreen(b, screen, want)
		all = append(all, time.Since(start))
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
}

// BenchmarkUIShowChange reports how long ghost-ui, showing a history of
// 10,000 tasks, takes to show a task started by ghost run: from run
// returning (the row is written) to the name on the screen. Changes come
// half a second apart, as a person makes them: ghost-ui reloads at most
// every 100 ms, so back-to-back changes would time that limit instead.
// The cursor is put on the newest task first: the selection stays on its
// task, so with the cursor far down the list, new tasks at the top would
// scroll out of view.
func BenchmarkUIShowChange(b *testing.B) {
	dir := history(b, 10_000)
	defer stopAll(dir)
	_, screen, send := uiSession(b, dir)
	waitScreen(b, screen, "job9999")
	var all []time.Duration
	n := 0
	for b.Loop() {
		send("g")
		time.Sleep(500 * time.Millisecond)
		n++
		name := fmt.Sprintf("mark%d", n)
		if _, errOut, err := benchResult(dir, "run", "-n", name, "sleep", "600"); err != nil {
			b.Fatal(err, errOut)
		}
		start := time.Now()
		waitScreen(b, screen, name)
		all = append(all, time.Since(start))
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
}

// BenchmarkMachine measures what every figure here stands on: the cost of
// a fresh page of memory (each new process touches hundreds), the start
// of ghost itself doing nothing (`ghost --version`) and of a small C
// program (`true`). On machines where a page fault is dear, as in some
// virtual machines, every short-lived command is slower for it.
func BenchmarkMachine(b *testing.B) {
	const pages = 20_000
	var faults, ghostStart, trueStart []time.Duration
	for b.Loop() {
		mem, err := syscall.Mmap(-1, 0, pages*4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := 0; i < len(mem); i += 4096 {
			mem[i] = 1
		}
		faults = append(faults, time.Since(start)/pages)
		syscall.Munmap(mem)
		for _, run := range []struct {
			cmd *exec.Cmd
			to  *[]time.Duration
		}{{exec.Command(benchGhost(), "--version"), &ghostStart}, {exec.Command("true"), &trueStart}} {
			start := time.Now()
			if err := run.cmd.Run(); err != nil {
				b.Fatal(err)
			}
			*run.to = append(*run.to, time.Since(start))
		}
	}
	b.ReportMetric(float64(median(faults).Nanoseconds())/1000, "us-per-page-fault")
	b.ReportMetric(float64(median(ghostStart).Microseconds())/1000, "ghost-version-ms")
	b.ReportMetric(float64(median(trueStart).Microseconds())/1000, "true-ms")
}

// BenchmarkRestart measures supervision: the time from a run's end to the
// next run's process running (a task that exits at once under --restart
// always, without delay: each restart is what ghost adds), and the PSS of
// monitors that supervise, each measured between restarts, once waiting
// in its second image after its task restarted.
func BenchmarkRestart(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	e, err := engine.OpenDir(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	var gaps []float64
	var pss []int
	round := 0
	for b.Loop() {
		round++
		out, errOut, err := benchResult(dir, "run", "--restart", "always", "--restart-delay", "0", "--max-restarts", "20", "--", "true")
		if err != nil {
			b.Fatal(err, errOut)
		}
		id := strings.TrimSpace(out)
		if _, err := e.Wait(ctx, id); err != nil {
			b.Fatal(err)
		}
		runs, err := e.Runs(ctx, id)
		if err != nil || len(runs) != 21 {
			b.Fatalf("runs: %d, %v", len(runs), err)
		}
		for i := 1; i < len(runs); i++ {
			gaps = append(gaps, float64(runs[i].StartedAt.Sub(runs[i-1].FinishedAt).Microseconds())/1000)
		}
		// 50 of them, as BenchmarkMonitorMemory: PSS shares the binary's
		// pages among the processes that map them.
		var monitors []int
		for i := range 50 {
			marker := filepath.Join(dir, fmt.Sprintf("ran-%d-%d", round, i))
			out, errOut, err := benchResult(dir, "run", "--restart", "on-failure", "--restart-delay", "10ms", "--",
				"sh", "-c", `[ -e "$0" ] && exec sleep 300; : > "$0"; exit 1`, marker)
			if err != nil {
				b.Fatal(err, errOut)
			}
			id := strings.TrimSpace(out)
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				if tk, _ := e.Get(ctx, id); tk.Restarts == 1 && tk.Status == task.Running {
					monitors = append(monitors, tk.MonitorPID)
					break
				}
				if time.Now().After(deadline) {
					b.Fatal("the task did not restart")
				}
			}
		}
		pss = append(pss, secondImagePSS(b, monitors)...)
		stopAll(dir)
	}
	sort.Float64s(gaps)
	sort.Ints(pss)
	b.ReportMetric(gaps[len(gaps)/2], "ms-restart-median")
	b.ReportMetric(gaps[len(gaps)*9/10], "ms-restart-p90")
	b.ReportMetric(float64(pss[len(pss)/2]), "KiB-PSS-median")
}

// peakRSS runs cmd once more under GNU time and returns the most resident
// memory it used, in bytes, or 0 without /usr/bin/time. Not the rusage of
// cmd run from here: Go starts a child sharing this process's memory until
// its exec, and Linux counts that memory's high-water mark (this test
// binary's, tens of MiB) in the child's maxrss. GNU time forks a copy of
// its own small self instead.
func peakRSS(b *testing.B, cmd *exec.Cmd) int64 {
	if _, err := os.Stat("/usr/bin/time"); err != nil || runtime.GOOS != "linux" {
		return 0
	}
	cmd.Args = append([]string{"/usr/bin/time", "-f", "peak-rss-kib %M", cmd.Path}, cmd.Args[1:]...)
	cmd.Path = "/usr/bin/time"
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatal(err, stderr.String())
	}
	out := stderr.String()
	i := strings.LastIndex(out, "peak-rss-kib ")
	if i < 0 {
		b.Fatalf("no peak RSS from GNU time: %q", out)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(out[i+len("peak-rss-kib "):]), 10, 64)
	if err != nil {
		b.Fatalf("peak RSS from GNU time: %v", err)
	}
	return kib << 10
}
