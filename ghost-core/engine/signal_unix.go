//go:build unix

package engine

import "syscall"

// sigCont resumes a stopped task so that it can act on SIGTERM.
const sigCont = syscall.SIGCONT
