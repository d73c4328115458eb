package tui

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/logs"
)

func TestZZProfile(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	u, _ := newTestUI(t)
	wd, _ := os.Getwd()
	tk, err := u.eng.Run(context.Background(), engine.RunOptions{Name: "flood", Command: []string{"sh", "-c", os.Getenv("ZZ")}, Cwd: wd, Env: os.Environ(), Log: logs.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAndSettle(t, u.eng, tk)
	u.reload()
	u.selectedID = tk.ID
	u.Start()
	runApp(t, u)
	time.Sleep(8 * time.Second)
}
