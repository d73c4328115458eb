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
