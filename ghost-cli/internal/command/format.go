package command

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/term"

	"github.com/ghostproject/ghost/ghost-core/printable"
)

// tableBuilder collects the cells of a table, sized as they come, and
// writes them out as table does. Rows are kept in chunks of chunkSize
// bytes, each row's cells ended by NUL and the row by a newline
// (printable text holds neither), not as a string per row or cell: a
// listing of 100,000 tasks is 800,000 cells, every allocation is a page
// fault on a fresh process, and chunks without pointers are nothing for
// the collector to scan. Chunks rather than one buffer, because growing
// one buffer to 10 MiB copies it again and again into new pages.
type tableBuilder struct {
	cols   int
	widths []int    // the widest cell of each column but the last
	chunks [][]byte // finished rows, each row whole in one chunk
	row    []byte   // the row being added to
	col    int      // the column of the next cell
}

// chunkSize is the size of a chunk of rows: a few hundred rows.
const chunkSize = 64 << 10

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
	tb.row = append(tb.row, '\n')
	n := len(tb.chunks)
	if n == 0 || len(tb.chunks[n-1])+len(tb.row) > cap(tb.chunks[n-1]) {
		tb.chunks = append(tb.chunks, make([]byte, 0, max(chunkSize, len(tb.row))))
		n++
	}
	tb.chunks[n-1] = append(tb.chunks[n-1], tb.row...)
	tb.row, tb.col = tb.row[:0], 0
}

// write lays the table out, fitting the last column to width, one write
// per 64 KiB rather than per row. When clip (width is a terminal's), a
// table wider than width first narrows its widest columns, cutting their
// cells with "…", so one long name does not push the other columns off
// every row; a line still too wide is cut at width rather than wrapped.
func (tb *tableBuilder) write(out io.Writer, width int, clip bool) error {
	w := bufio.NewWriterSize(out, 64<<10)
	widths := slices.Clone(tb.widths[:tb.cols-1])
	if clip {
		narrow(widths, width-minLastColumn)
	}
	used := 0
	for _, wd := range widths {
		used += wd + 2
	}
	lastWidth := max(width-used, minLastColumn)
	var line []byte
	for _, chunk := range tb.chunks {
		// Read as a string without a copy: chunks are not written again.
		for rows := unsafe.String(unsafe.SliceData(chunk), len(chunk)); len(rows) > 0; {
			n := strings.IndexByte(rows, '\n')
			row := rows[:n]
			rows = rows[n+1:]
			line = line[:0]
			for _, wd := range widths {
				i := strings.IndexByte(row, cellSep)
				cell := row[:i]
				cw := printable.Width(cell)
				if cw > wd {
					cell = printable.Truncate(cell, wd)
					cw = printable.Width(cell)
				}
				line = append(line, cell...)
				for pad := wd - cw + 2; pad > 0; pad-- {
					line = append(line, ' ')
				}
				row = row[i+1:]
			}
			line = append(line, printable.Truncate(row, lastWidth)...)
			line = bytes.TrimRight(line, " ")
			if clip && used+lastWidth > width {
				line = append(line[:0], printable.Truncate(string(line), width)...)
			}
			line = append(line, '\n')
			w.Write(line)
		}
	}
	return w.Flush()
}

// print writes the table to out, fitted to out's width (see termWidth).
func (tb *tableBuilder) print(out io.Writer) error {
	width, strict := termWidth(out)
	return tb.write(out, width, strict)
}

// minLastColumn is the least room the last column (the command) keeps.
const minLastColumn = 20

// minColumn is the narrowest narrow makes a column: an id still shows.
const minColumn = 8

// narrow takes cells from the widest columns, one at a time, until the
// columns and their two-space gaps fit in room or all are minColumn wide.
func narrow(widths []int, room int) {
	need := 0
	for _, wd := range widths {
		need += wd + 2
	}
	for need > room {
		widest := 0
		for i, wd := range widths {
			if wd > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minColumn {
			return
		}
		widths[widest]--
		need--
	}
}

// termWidth is the width to fit tables to: the terminal's, else $COLUMNS,
// else a generous default for pipes and files. Only the first two are a
// width the output must not pass (see tableBuilder.write's clip).
func termWidth(w io.Writer) (width int, strict bool) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols, true
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n, true
	}
	return 160, false
}
