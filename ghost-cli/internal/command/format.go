package command

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/ghostproject/ghost/ghost-core/printable"
)

// tableBuilder collects the cells of a table, sized as they come, and
// writes them out as table does. A row is kept as one string, its cells
// joined by NUL (which printable text never holds), not as a string per
// cell: a listing of 100,000 tasks is 800,000 cells, and on a fresh process
// every new page of memory costs a fault.
type tableBuilder struct {
	cols   int
	widths []int    // the widest cell of each column but the last
	rows   []string // finished rows
	row    []byte   // the row being added to
	col    int      // the column of the next cell
}

// cellSep ends every cell of a row but the last.
const cellSep = 0

func newTable(header ...string) *tableBuilder {
	tb := &tableBuilder{cols: len(header), widths: make([]int, len(header))}
	for _, h := range header {
		tb.add(h)
	}
	return tb
}

// add appends the next cell, row by row, made printable.
func (tb *tableBuilder) add(cell string) {
	p := printable.String(cell)
	tb.next(printable.Width(p))
	tb.row = append(tb.row, p...)
	tb.end()
}

func (tb *tableBuilder) next(width int) {
	if tb.col < tb.cols-1 {
		tb.widths[tb.col] = max(tb.widths[tb.col], width)
	}
}

func (tb *tableBuilder) end() {
	tb.col++
	if tb.col < tb.cols {
		tb.row = append(tb.row, cellSep)
		return
	}
	tb.rows = append(tb.rows, string(tb.row))
	tb.row, tb.col = tb.row[:0], 0
}

// write lays the table out, fitting the last column to width, one write
// per 64 KiB rather than per row.
func (tb *tableBuilder) write(out io.Writer, width int) error {
	w := bufio.NewWriterSize(out, 64<<10)
	used := 0
	for _, wd := range tb.widths[:tb.cols-1] {
		used += wd + 2
	}
	lastWidth := max(width-used, 20)
	var line []byte
	for _, row := range tb.rows {
		line = line[:0]
		for col := 0; col < tb.cols-1; col++ {
			i := strings.IndexByte(row, cellSep)
			line = append(line, row[:i]...)
			for pad := tb.widths[col] - printable.Width(row[:i]) + 2; pad > 0; pad-- {
				line = append(line, ' ')
			}
			row = row[i+1:]
		}
		line = append(line, printable.Truncate(row, lastWidth)...)
		line = append(bytes.TrimRight(line, " "), '\n')
		w.Write(line)
	}
	return w.Flush()
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
