//go:build unix

package monitor

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ghostproject/ghost/ghost-core/datadir"
	"github.com/ghostproject/ghost/ghost-core/lifecycle"
	"github.com/ghostproject/ghost/ghost-core/logs"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// markerWaitArg enters a monitor's second image, which only waits: the task
// runs and its row is written.
const markerWaitArg = "__ghost_monitor_wait"

// shed re-executes the monitor to wait for its task in a fresh image.
// Starting a task (the spec, SQLite, database/sql) leaves over a megabyte
// behind that neither Go's allocator nor C's hands back, and a monitor
// lives as long as its task; a fresh image holds only what waiting needs.
// exec keeps the pid (so the monitor's identity, and its child), and the
// output pipes (or terminal), log file and index cross as numbered
// descriptors. shed returns
// only if the exec failed, and then the caller waits in this image.
func shed(m *running) {
	exe, err := executable()
	if err != nil {
		return
	}
	// Ignored, not handled: a disposition of SIG_IGN survives exec, so no
	// hang-up can end the monitor before the new image is up. The task was
	// started with the defaults already.
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT)
	out, errOut, log, idx := fdOf(m.out), -1, int(m.log.File().Fd()), int(m.log.Index().Fd())
	if m.errOut != nil {
		errOut = fdOf(m.errOut)
	}
	if out < 0 || (m.errOut != nil && errOut < 0) {
		return
	}
	fds := []int{out, errOut, log, idx}
	for _, fd := range fds {
		if fd >= 0 {
			unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0) // inherited across the exec
		}
	}
	p, r := m.log.Policy(), m.sup.Policy
	args := []string{"ghost-monitor", markerWaitArg, m.spec.ID, m.dir.Path, strconv.Itoa(m.pid),
		strconv.Itoa(out), strconv.Itoa(errOut), strconv.Itoa(log), strconv.Itoa(idx),
		strconv.FormatInt(p.MaxSize, 10), strconv.Itoa(p.MaxFiles),
		// The restart policy at work: the next image restarts the task
		// as this one would have (what to run, it reads from the row).
		string(r.Mode), strconv.Itoa(r.MaxRestarts), strconv.FormatInt(int64(r.Delay), 10),
		strconv.FormatInt(int64(r.DelayMax), 10), strconv.FormatInt(int64(r.MinUptime), 10),
		strconv.Itoa(m.sup.InRow), strconv.FormatInt(m.runStart.UnixNano(), 10)}
	syscall.Exec(exe, args, os.Environ())
	for _, fd := range fds {
		if fd >= 0 {
			syscall.CloseOnExec(fd)
		}
	}
}

// fdOf is f's descriptor, read without File.Fd, which would switch a pipe
// to blocking mode: the next image reads it through its poller too.
func fdOf(f *os.File) int {
	fd := -1
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(d uintptr) { fd = int(d) })
	}
	return fd
}

// waitMain is the second image's whole life: wait for the task, drain its
// output, record its end.
func waitMain(args []string) int {
	// No collection is asked for, nor tuned: this image allocates next to
	// nothing while it waits, and a collection would itself touch a few
	// hundred KiB of memory that were never needed.
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT)
	m, err := adopt(args)
	if err != nil {
		// Nothing to wait with: the task's end will read as unknown.
		fmt.Fprintln(os.Stderr, "ghost-monitor:", err)
		return 1
	}
	m.supervise(false)
	return 0
}

// adopt rebuilds the running task from the arguments shed passed.
func adopt(args []string) (*running, error) {
	if len(args) != 16 {
		return nil, errors.New("wrong number of arguments")
	}
	mode := task.RestartMode(args[9])
	args = append(args[:9:9], args[10:]...)
	nums := make([]int64, 13)
	for i, a := range args[2:] {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+3, err)
		}
		nums[i] = n
	}
	pid, outFd, errFd, logFd, idxFd := int(nums[0]), int(nums[1]), int(nums[2]), int(nums[3]), int(nums[4])
	for _, fd := range []int{outFd, errFd, logFd, idxFd} {
		if fd >= 0 {
			syscall.CloseOnExec(fd)
		}
	}
	dir := datadir.Dir{Path: args[1]}
	w, err := logs.Adopt(dir.LogDir(), args[0], logs.Policy{MaxSize: nums[5], MaxFiles: int(nums[6])},
		os.NewFile(uintptr(logFd), "log"), os.NewFile(uintptr(idxFd), "index"))
	if err != nil {
		return nil, err
	}
	m := &running{spec: Spec{ID: args[0], DataDir: args[1]}, dir: dir, pid: pid, out: os.NewFile(uintptr(outFd), "output"), log: w}
	if errFd >= 0 {
		m.errOut = os.NewFile(uintptr(errFd), "errors")
	}
	m.sup = lifecycle.Supervision{
		Policy: task.RestartPolicy{Mode: mode, MaxRestarts: int(nums[7]), Delay: time.Duration(nums[8]),
			DelayMax: time.Duration(nums[9]), MinUptime: time.Duration(nums[10])},
		InRow: int(nums[11]),
	}
	m.runStart = time.Unix(0, nums[12])
	return m, nil
}
