// Command ghost-ui is the full-screen view of ghost's tasks: what runs,
// what ended and how, the live output of the one you pick, and keys to
// stop, kill, restart or remove it. It shares only the data directory
// with the ghost command line.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/monitor"
	"github.com/ghostproject/ghost/ghost-ui/internal/tui"
)

func main() {
	if monitor.IsMonitor() {
		os.Exit(monitor.Main())
	}
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "--version", "-v":
			fmt.Println("ghost-ui version", engine.Version())
			return
		case "--help", "-h", "help":
			fmt.Println("usage: ghost-ui\n\nA terminal view of ghost's tasks. Press ? inside for the keys.\nData directory: $GHOST_DATA_DIR, else $XDG_DATA_HOME/ghost, else ~/.local/share/ghost.")
			return
		default:
			fmt.Fprintf(os.Stderr, "ghost-ui: %s: unknown argument\n", os.Args[1])
			os.Exit(2)
		}
	}
	e, err := engine.Open(context.Background(), os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ghost-ui: opening data directory: %v\n", err)
		os.Exit(1)
	}
	defer e.Close()
	app := tview.NewApplication()
	u := tui.New(app, e)
	u.Start()
	err = app.Run()
	u.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ghost-ui: %v\n", err)
		os.Exit(1)
	}
}
