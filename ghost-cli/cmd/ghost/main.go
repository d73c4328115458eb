// Command ghost runs commands in the background and manages them
// afterwards, with no daemon: see README.md.
package main

import (
	"os"

	"github.com/ghostproject/ghost/ghost-cli/internal/command"
	"github.com/ghostproject/ghost/ghost-core/monitor"
)

func main() {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	os.Exit(command.Main(os.Args, os.Stdout, os.Stderr))
}
