module github.com/ghostproject/ghost/ghost-core

go 1.26.0

require (
	github.com/creack/pty v1.1.24
	github.com/fsnotify/fsnotify v1.10.1
	github.com/gofrs/uuid/v5 v5.5.1
	github.com/mattn/go-runewidth v0.0.31
	github.com/mattn/go-sqlite3 v1.14.53
	golang.org/x/sys v0.50.0
)

require github.com/clipperhouse/uax29/v2 v2.2.0 // indirect
