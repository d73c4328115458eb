package engine

import "syscall"

// sigCont: Windows has no stopped processes to resume.
const sigCont = 0

// ends reports whether sig is one that ends a process: on Windows, every
// signal ghost can deliver does.
func ends(syscall.Signal) bool { return true }
