module github.com/ghostproject/ghost/ghost-ui

go 1.26.0

replace github.com/ghostproject/ghost/ghost-core => ../ghost-core

require (
	github.com/gdamore/tcell/v2 v2.13.10
	github.com/ghostproject/ghost/ghost-core v0.0.0-00010101000000-000000000000
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/rivo/tview v0.42.0
	github.com/rivo/uniseg v0.4.7
)

require (
	github.com/clipperhouse/uax29/v2 v2.2.0 // indirect
	github.com/creack/pty v1.1.24 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/gdamore/encoding v1.0.1 // indirect
	github.com/gofrs/uuid/v5 v5.5.1 // indirect
	github.com/lucasb-eyer/go-colorful v1.3.0 // indirect
	github.com/mattn/go-runewidth v0.0.31 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/term v0.37.0 // indirect
	golang.org/x/text v0.31.0 // indirect
)
