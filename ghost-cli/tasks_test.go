package main

import (
	"fmt"
	"os"
	"strconv"
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

// pace is a task for benchmarks: it writes RATE updates a second for
// ever, each its own write, as "ghost-pace RATE line" (numbered lines)
// or "ghost-pace RATE spinner" (a percentage after a carriage return,
// never a newline, as progress bars do).
func pace() {
	rate, _ := strconv.Atoi(os.Args[1])
	spinner := os.Args[2] == "spinner"
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	var buf []byte
	for n := 0; ; {
		<-tick.C
		for due := int(time.Since(start).Seconds() * float64(rate)); n < due; n++ {
			buf = buf[:0]
			if spinner {
				buf = fmt.Appendf(buf, "\r\x1b[32m%3d%%\x1b[0m building", n%100)
			} else {
				buf = fmt.Appendf(buf, "line %d: GET /api/items?page=%d 200 in 3ms\n", n, n%97)
			}
			if _, err := os.Stdout.Write(buf); err != nil {
				os.Exit(1)
			}
		}
	}
}
