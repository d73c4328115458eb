package monitor

// closeInheritedOnExec marks every descriptor above stderr close-on-exec.
// Go opens its own that way; this catches those a parent handed down.
func closeInheritedOnExec() { closeListedOnExec() }
