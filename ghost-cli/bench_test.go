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
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
)

// ticker is a task for benchmarks: it prints N lines, each holding the
// time it was written, one every interval. Run as "ghost-ticker N INTERVAL".
func ticker() {
	n, _ := strconv.Atoi(os.Args[1])
	every, _ := time.ParseDuration(os.Args[2])
	for range n {
		time.Sleep(every)
		fmt.Fprintf(os.Stdout, "%d\n", time.Now().UnixNano())
	}
}

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
	stmt, _ := tx.Prepare(`INSERT INTO tasks (id, pid, pgid, command, env, cwd, status, exit_code, started_at, finished_at, log_path, name)
		VALUES (?, ?, ?, '["sh","-c","make -j8 all"]', ?, '/home/dev/src/project', 'exited', 0, ?, ?, ?, ?)`)
	for i := range n {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		stmt.Exec(id, 1000+i, 1000+i, string(env), 1700000000+i, 1700000060+i, filepath.Join(dir, "logs", id+".log"), fmt.Sprintf("job%d", i))
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
	var all []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, errOut, err := ghostResult(dir, args...); err != nil {
			b.Fatal(err, errOut)
		}
		all = append(all, time.Since(start))
	}
	b.ReportMetric(float64(median(all).Microseconds())/1000, "ms-median")
}

func BenchmarkHistory(b *testing.B) {
	for _, n := range []int{10, 10_000, 100_000} {
		dir := history(b, n)
		b.Run(fmt.Sprintf("list/%d", n), func(b *testing.B) { benchCommand(b, dir, "list") })
		b.Run(fmt.Sprintf("list-json/%d", n), func(b *testing.B) { benchCommand(b, dir, "list", "--json") })
		b.Run(fmt.Sprintf("status/%d", n), func(b *testing.B) { benchCommand(b, dir, "status", "job5") })
		b.Run(fmt.Sprintf("list-running/%d", n), func(b *testing.B) { benchCommand(b, dir, "list", "-s", "running") })
	}
}

// BenchmarkCapture compares a task writing 512 MiB as fast as it can under
// ghost with the same command redirected to a file; the metric is ghost's
// throughput as a percentage of the redirect's.
func BenchmarkCapture(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	const cmd = "head -c 512M /dev/zero"
	var ratios []float64
	for b.Loop() {
		direct := filepath.Join(b.TempDir(), "out")
		start := time.Now()
		if err := exec.Command("sh", "-c", cmd+" > "+direct).Run(); err != nil {
			b.Fatal(err)
		}
		directTime := time.Since(start)
		os.Remove(direct)
		stamp := filepath.Join(b.TempDir(), "t")
		out, errOut, err := ghostResult(dir, "run", "--log-max-size", "1G", "sh", "-c",
			`s=$(date +%s%N); `+cmd+`; e=$(date +%s%N); echo $((e - s)) > `+stamp)
		if err != nil {
			b.Fatal(err, errOut)
		}
		id := strings.TrimSpace(out)
		ghostResult(dir, "wait", id)
		raw, _ := os.ReadFile(stamp)
		ns, _ := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		ratios = append(ratios, float64(directTime)/float64(ns)*100)
		ghostResult(dir, "rm", id)
	}
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "%-of-redirect")
}

// BenchmarkMonitorMemory starts 50 tasks and reports the median PSS of
// their monitors: what each running task costs.
func BenchmarkMonitorMemory(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	e, err := engine.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var pss []int
	for b.Loop() {
		var monitors []int
		for range 50 {
			out, errOut, err := ghostResult(dir, "run", "sleep", "300")
			if err != nil {
				b.Fatal(err, errOut)
			}
			tk, _ := e.Find(context.Background(), strings.TrimSpace(out))
			monitors = append(monitors, tk.MonitorPID)
		}
		for _, pid := range monitors {
			pss = append(pss, pssKiB(pid))
		}
		stopAll(dir)
	}
	sort.Ints(pss)
	b.ReportMetric(float64(pss[len(pss)/2]), "KiB-PSS-median")
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

// BenchmarkLaunch times starting `true` in the background with ghost and
// with the tools people would otherwise use, alternating between them in
// one run so that a noisy machine weighs on all alike: nq and tsp when
// installed, and setsid as the floor (a bare fork with nothing recorded).
// GHOST_BIN names the ghost binary to time (make bench: bin/ghost); the
// default is this test binary acting as ghost.
func BenchmarkLaunch(b *testing.B) {
	dir := b.TempDir()
	defer stopAll(dir)
	ghostBin, _ := os.Executable()
	if p := os.Getenv("GHOST_BIN"); p != "" {
		ghostBin, _ = filepath.Abs(p)
	}
	tools := []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"ghost", func() *exec.Cmd {
			c := &exec.Cmd{Path: ghostBin, Args: []string{"ghost", "run", "true"}}
			c.Env = append(os.Environ(), "GHOST_DATA_DIR="+dir)
			return c
		}},
		{"setsid", func() *exec.Cmd { return exec.Command("setsid", "-f", "true") }},
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
