//go:build unix

package engine

import "syscall"

// sigCont resumes a stopped task so that it can act on SIGTERM.
const sigCont = syscall.SIGCONT

// ends reports whether sig is one that ends a process, as opposed to the
// signals that talk to a live one.
func ends(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT,
		syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return false
	}
	return true
}
