// Package proc identifies processes and signals them safely. A pid alone is
// not an identity (pids are reused, and kill(pid, 0) succeeds on a zombie),
// so every process ghost deals with is named by its pid, the kernel's start
// time for it and the boot it belongs to.
package proc

import (
	"errors"
	"fmt"
)

// Errors a caller may want to tell apart with errors.Is.
var (
	// ErrGone means the process no longer exists.
	ErrGone = errors.New("process is gone")
	// ErrReused means the pid now belongs to another process (or another
	// boot): nothing was signalled.
	ErrReused = errors.New("pid belongs to another process now")
	// ErrBadGroup means the process group id is one kill(2) would read as
	// "every process" or "my own group".
	ErrBadGroup = errors.New("refusing to signal process group")
)

// Identity names one process across time.
type Identity struct {
	PID    int
	Start  uint64 // the kernel's start time of the process, raw
	BootID string
}

// Lookup returns the identity of the live (or zombie) process pid.
func Lookup(pid int) (Identity, error) {
	if pid <= 0 {
		return Identity{}, fmt.Errorf("pid %d: %w", pid, ErrGone)
	}
	start, err := startTime(pid)
	if err != nil {
		return Identity{}, err
	}
	boot, err := BootID()
	if err != nil {
		return Identity{}, err
	}
	return Identity{PID: pid, Start: start, BootID: boot}, nil
}

// Check returns nil when id still names a process that exists (a zombie
// counts: it keeps its pid), ErrGone when nothing has the pid, and ErrReused
// when something else has it.
func (id Identity) Check() error {
	if id.PID <= 0 || id.Start == 0 || id.BootID == "" {
		return fmt.Errorf("pid %d: %w", id.PID, ErrReused)
	}
	boot, err := BootID()
	if err != nil {
		return err
	}
	if boot != id.BootID {
		return fmt.Errorf("pid %d is from an earlier boot: %w", id.PID, ErrReused)
	}
	start, err := startTime(id.PID)
	if err != nil {
		return err
	}
	if start != id.Start {
		return fmt.Errorf("pid %d: %w", id.PID, ErrReused)
	}
	return nil
}

// Exists reports whether id still names an existing process, a zombie
// included: what matters before signalling, as a zombie's pid cannot be
// handed to another process.
func (id Identity) Exists() bool { return id.Check() == nil }

// Live reports whether id names a process that exists and has not ended.
// A zombie has ended: it serves nobody, though it keeps its pid until its
// parent reaps it, which a parent that never reaps never does.
func (id Identity) Live() bool {
	if id.Check() != nil {
		return false
	}
	z, err := ended(id.PID)
	return err == nil && !z
}

// GroupMembers lists the live (not zombie) processes of process group
// pgid (on Windows: of the process tree under pid pgid).
func GroupMembers(pgid int) ([]int, error) {
	if pgid <= 1 {
		return nil, fmt.Errorf("%w %d", ErrBadGroup, pgid)
	}
	return groupMembers(pgid)
}
