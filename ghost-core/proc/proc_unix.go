//go:build unix

package proc

import (
	"errors"
	"fmt"
	"syscall"
)

// SignalGroup sends sig to process group pgid after checking that its
// leader is still the process id names.
func SignalGroup(leader Identity, pgid int, sig syscall.Signal) error {
	if pgid <= 1 {
		return fmt.Errorf("%w %d", ErrBadGroup, pgid)
	}
	if err := leader.Check(); err != nil {
		return err
	}
	if err := syscall.Kill(-pgid, sig); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("process group %d: %w", pgid, ErrGone)
		}
		return fmt.Errorf("signalling process group %d: %w", pgid, err)
	}
	return nil
}
