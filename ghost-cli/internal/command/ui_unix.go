//go:build unix

package command

import (
	"io/fs"
	"os"
	"syscall"
)

// uiName is ghost-ui's file name.
const uiName = "ghost-ui"

func runnable(fi fs.FileInfo) bool { return fi.Mode()&0o111 != 0 }

// execUI replaces this process with ghost-ui; it returns only on failure.
func execUI(path string) error {
	return syscall.Exec(path, []string{"ghost-ui"}, os.Environ())
}
