package command

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindUIOnPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if _, err := findUI(); !errors.Is(err, errNoUI) {
		t.Fatalf("with nothing installed: %v, want errNoUI", err)
	}
	ui := filepath.Join(dir, uiName)
	if err := os.WriteFile(ui, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findUI(); err != nil || got != ui {
		t.Errorf("findUI() = %q, %v; want %q", got, err, ui)
	}
}
