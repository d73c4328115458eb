package command

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ghostproject/ghost/ghost-core/printable"
)

// table writes rows in columns sized by display width. The last column is
// cut with "…" to fit width; every cell is made printable first.
func table(out io.Writer, header []string, rows [][]string, width int) {
	// One write per screenful, not per row: 10,000 rows were 10,000 syscalls.
	w := bufio.NewWriterSize(out, 64<<10)
	defer w.Flush()
	widths := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i, cell := range r[:len(r)-1] {
			widths[i] = max(widths[i], printable.Width(cell))
		}
	}
	used := 0
	for _, wd := range widths[:len(widths)-1] {
		used += wd + 2
	}
	lastWidth := max(width-used, 20)
	var b strings.Builder
	for _, r := range all {
		b.Reset()
		for i, cell := range r[:len(r)-1] {
			b.WriteString(printable.Pad(cell, widths[i]))
			b.WriteString("  ")
		}
		b.WriteString(printable.Truncate(r[len(r)-1], lastWidth))
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// termWidth is the width to fit tables to: the terminal's, else $COLUMNS,
// else a generous default for pipes and files.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 160
}

// startedCell shows the time of day for today's tasks, the date otherwise.
func startedCell(t time.Time, now time.Time) string {
	t = t.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func pidCell(pid int) string {
	if pid <= 0 {
		return "-"
	}
	return strconv.Itoa(pid)
}
