package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
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
