// Package logs keeps each task's output: the files it is written to, their
// rotation, and reading them back whole, from the end, or as they grow.
// Every function here works on files alone, so the CLI and the UI can read
// what a monitor in another process writes.
package logs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ghostproject/ghost/ghost-core/datadir"
)

// Path is the file a task's newest output goes to.
func Path(dir, id string) string { return filepath.Join(dir, id+".log") }

// rotatedPath is the k-th older file: k = 1 is the newest rotated one.
func rotatedPath(dir, id string, k int) string {
	return Path(dir, id) + "." + strconv.Itoa(k)
}

// indexPath is the index of the log file rotatedPath(k) (k = 0: the
// current one). The name does not contain ".log", so tools that look at
// *.log* see the task's output only.
func indexPath(dir, id string, k int) string {
	p := filepath.Join(dir, id+".idx")
	if k > 0 {
		p += "." + strconv.Itoa(k)
	}
	return p
}

// logNumber is k for the file rotatedPath(k), 0 for the current one.
func logNumber(dir, id, path string) int {
	k, _ := strconv.Atoi(strings.TrimPrefix(path, Path(dir, id)+"."))
	return k
}

// Files returns the paths of the task's kept log files, oldest first. The
// current file is last, whether or not it exists yet.
func Files(dir, id string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, globEscape(id)+".log.*"))
	if err != nil {
		return nil, err
	}
	type rotated struct {
		k    int
		path string
	}
	var rs []rotated
	prefix := Path(dir, id) + "."
	for _, m := range matches {
		k, err := strconv.Atoi(strings.TrimPrefix(m, prefix))
		if err != nil || k < 1 {
			continue
		}
		rs = append(rs, rotated{k, m})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].k > rs[j].k })
	out := make([]string, 0, len(rs)+1)
	for _, r := range rs {
		out = append(out, r.path)
	}
	return append(out, Path(dir, id)), nil
}

// Remove deletes every log file of the task, their indexes, and its base
// record.
func Remove(dir, id string) error {
	files, err := Files(dir, id)
	if err != nil {
		return err
	}
	idx, err := filepath.Glob(filepath.Join(dir, globEscape(id)+".idx*"))
	if err != nil {
		return err
	}
	files = append(files, idx...)
	var errs []error
	for _, f := range append(files, basePath(dir, id)) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func globEscape(s string) string {
	return strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`).Replace(s)
}

// openRead opens a log file for reading without following a symlink that
// someone may have planted in its place (and, on Windows, sharing deletion
// so that rotation can rename it under a reader).
func openRead(path string) (*os.File, error) {
	return datadir.OpenFile(path, os.O_RDONLY, 0)
}

// ErrBadSize reports a size that ParseSize cannot read.
var ErrBadSize = errors.New("want a size such as 512K, 10M or 1G")

// ParseSize reads a byte count with an optional binary suffix: K, M, G or T
// (KB, KiB and lowercase work too).
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return 0, fmt.Errorf("%q: %w", s, ErrBadSize)
	}
	return v * mult, nil
}
