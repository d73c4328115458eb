//go:build unix

package monitor

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// openTerminal makes the pseudo-terminal a --tty task runs on, cols x rows,
// with output processing off, so a task's \n reaches the log as \n, not
// \r\n. The master comes back non-blocking, read through the runtime's
// poller like the pipes (pty.Open hands it over in blocking mode).
func openTerminal(cols, rows uint16) (master, slave *os.File, err error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("opening a terminal: %w", err)
	}
	defer m.Close()
	fail := func(err error) (*os.File, *os.File, error) {
		s.Close()
		return nil, nil, fmt.Errorf("setting up the terminal: %w", err)
	}
	if err := pty.Setsize(m, &pty.Winsize{Cols: cols, Rows: rows}); err != nil {
		return fail(err)
	}
	t, err := unix.IoctlGetTermios(int(s.Fd()), ioctlGetTermios)
	if err != nil {
		return fail(err)
	}
	t.Oflag &^= unix.OPOST
	if err := unix.IoctlSetTermios(int(s.Fd()), ioctlSetTermios, t); err != nil {
		return fail(err)
	}
	fd, err := unix.Dup(int(m.Fd()))
	if err != nil {
		return fail(err)
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return fail(err)
	}
	return os.NewFile(uintptr(fd), "pty"), s, nil
}
