//go:build !linux

package monitor

import (
	"errors"
	"os"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// orderedPoll is Linux only (epoll keeps readiness order); elsewhere each
// stream has a pump of its own.
func orderedPoll(out, errOut *os.File) (*os.File, error) {
	return nil, errors.ErrUnsupported
}

func pumpOrdered(poll, out, errOut *os.File, w *logs.Writer, st *pumpState) {}
