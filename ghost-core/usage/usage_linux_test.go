package usage

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// A busy shell loop and its idle child in one process group: the group's
// CPU share rises above zero and its memory counts both processes.
func TestMeterMeasuresAWholeGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 300 & while :; do :; done")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	defer func() {
		syscall.Kill(-pgid, syscall.SIGKILL)
		cmd.Wait()
	}()
	var m Meter
	deadline := time.Now().Add(20 * time.Second)
	for {
		figs, samples, err := m.Measure([]int{pgid, 999999999})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := figs[999999999]; ok {
			t.Fatal("a group without processes was reported")
		}
		f := figs[pgid]
		if f.CPUPercent > 0 && f.RSSBytes > 0 && samples[pgid].Procs == 2 && samples[pgid].PIDs[0] == pgid {
			if f.CPUPercent > 400 {
				t.Errorf("a single busy loop measured %.0f %% of a core", f.CPUPercent)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("figures %+v, %d processes; want CPU and memory from both", f, samples[pgid].Procs)
		}
		time.Sleep(50 * time.Millisecond) // polling: CPU time accrues in ticks
	}
}

func TestParseStat(t *testing.T) {
	line := "42 (a) b) c) R 1 42 42 0 -1 4194560 100 0 0 0 150 50 7 3 20 0 1 0 12345 1000000 256 18446744073709551615"
	st, ok := parseStat([]byte(line))
	if !ok || st.pgrp != 42 || st.cpu != 2100*time.Millisecond || st.rss != 256*pageSize {
		t.Errorf("parseStat = %+v, %v", st, ok)
	}
	if _, ok := parseStat([]byte("42 (z) Z 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 0")); ok {
		t.Error("a zombie was counted")
	}
}

func TestBetween(t *testing.T) {
	at := time.Unix(1000, 0)
	f := Between(Sample{CPU: time.Second, At: at}, Sample{CPU: 2 * time.Second, RSS: 5, At: at.Add(2 * time.Second)})
	if f.CPUPercent != 50 || f.RSSBytes != 5 {
		t.Errorf("Between = %+v, want 50 %% and 5 bytes", f)
	}
	if f := Between(Sample{CPU: 3 * time.Second, At: at}, Sample{CPU: time.Second, At: at.Add(time.Second)}); f.CPUPercent != 0 {
		t.Errorf("CPU going back gave %v %%", f.CPUPercent)
	}
}
