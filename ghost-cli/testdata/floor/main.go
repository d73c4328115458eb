// Command floor is the least a launch like `ghost run` can cost, for
// `make bench` to set beside ghost: a Go program that starts a second Go
// program (itself, as ghost starts its monitor), which starts the command,
// tells the first that it runs and stays to wait for it; the first returns
// once told. No database, no log, no flags. Built with CGO_ENABLED=1 it
// also links the C runtime (cgo.go), as ghost must for SQLite.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-monitor" {
		monitor(os.Args[2:])
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		fail(err)
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		fail(err)
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	p, err := os.StartProcess(self, append([]string{self, "-monitor"}, os.Args[1:]...),
		&os.ProcAttr{Files: []*os.File{null, null, null, w}})
	if err != nil {
		fail(err)
	}
	w.Close()
	var buf [32]byte
	n, _ := r.Read(buf[:])
	if _, err := strconv.Atoi(string(buf[:n])); err != nil {
		fail(fmt.Errorf("monitor reported %q", buf[:n]))
	}
	p.Release()
}

// monitor starts the command, reports its pid on descriptor 3 and waits.
func monitor(argv []string) {
	report := os.NewFile(3, "report")
	null, err := os.Open(os.DevNull)
	if err != nil {
		fail(err)
	}
	p, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Files: []*os.File{null, null, null}})
	if err != nil {
		fail(err)
	}
	report.WriteString(strconv.Itoa(p.Pid))
	report.Close()
	p.Wait()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
