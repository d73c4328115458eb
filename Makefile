# ghost: build, test and install the ghost command line and ghost-ui.
# `make help` lists the targets.

GO      ?= go
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(DESTDIR)$(PREFIX)/bin

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
CLI_PKG := github.com/ghostproject/ghost/ghost-cli/internal/command
LDFLAGS := -X $(CLI_PKG).Version=$(VERSION) -X $(CLI_PKG).Commit=$(COMMIT)
UI_LDFLAGS := -X main.version=$(VERSION)
# urfave/cli's man-page generator is not needed at run time.
TAGS    := urfave_cli_no_docs

# Every module of the workspace; there is no module at the root, so tests
# and vet loop over them.
MODULES := ghost-core ghost-cli ghost-ui

# cgo is required: the database driver is github.com/mattn/go-sqlite3.
export CGO_ENABLED := 1

# The other systems ghost supports, which `make lint` type-checks too.
CROSS_GOOS := darwin windows

# Go 1.26's garbage collector ("Green Tea") keeps mark bits at the end of
# each span, so every small span in use touches a page more. A monitor
# lives as long as its task with a small heap, and pays that for its whole
# life: monitor PSS with 50 tasks measured 1017 KiB with the default and
# 935 KiB with nogreenteagc (`GOEXPERIMENT= make build`, then
# `GHOST_BIN=<that binary> go test -run '^$' -bench MonitorMemory
# -benchtime 15x` in ghost-cli, against the same with `make build`); list
# timings showed no difference. Build with the classic layout while the
# toolchain still offers it, else with its default; a GOEXPERIMENT set by
# the caller wins.
ifeq ($(origin GOEXPERIMENT),undefined)
GOEXPERIMENT := $(shell GOEXPERIMENT=nogreenteagc $(GO) env GOEXPERIMENT >/dev/null 2>&1 && echo nogreenteagc)
endif
export GOEXPERIMENT

.PHONY: help build test test-windows bench lint fmt install install-ghost install-ghost-ui uninstall clean FORCE

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: bin/ghost bin/ghost-ui ## build bin/ghost and bin/ghost-ui

bin/ghost: FORCE
	cd ghost-cli && $(GO) build -trimpath -tags $(TAGS) -ldflags '$(LDFLAGS)' -o ../bin/ghost .

bin/ghost-ui: FORCE
	cd ghost-ui && $(GO) build -trimpath -ldflags '$(UI_LDFLAGS)' -o ../bin/ghost-ui .

test: ## run every module's tests with the race detector
	@set -e; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) test -race -count=1 -timeout 30m ./...); \
	done

bench: ## compare ghost with nq, tsp, pm2 and setsid, measure follow, capture, memory, history, ghost-ui; write docs/benchmarks.md
	bash bench/run.sh

lint: ## check formatting (gofmt) and run go vet in every module, here and for darwin and windows
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done
	@# Every supported GOOS type-checks, so a Unix-only call in a shared
	@# file cannot come back. No C compiler for those targets is needed:
	@# -tags ghostvet stands in for the SQLite driver's cgo (store/nocgo.go).
	@set -e; for os in $(CROSS_GOOS); do for m in $(MODULES); do \
		(cd $$m && GOOS=$$os CGO_ENABLED=0 $(GO) vet -tags ghostvet ./...); done; done

test-windows: ## cross-compile for windows/amd64 and run the tests and a smoke of ghost.exe under wine (installs MinGW-w64 and wine when root)
	bash .ci/windows/test.sh

fmt: ## format the code
	gofmt -w $(MODULES)

install: install-ghost install-ghost-ui ## install every binary into $(DESTDIR)$(PREFIX)/bin

install-ghost: bin/ghost ## install only ghost
	install -d $(BINDIR)
	install -m 0755 bin/ghost $(BINDIR)/ghost

install-ghost-ui: bin/ghost-ui ## install only ghost-ui
	install -d $(BINDIR)
	install -m 0755 bin/ghost-ui $(BINDIR)/ghost-ui

uninstall: ## remove installed binaries
	rm -f $(BINDIR)/ghost $(BINDIR)/ghost-ui

clean: ## remove build output
	rm -rf bin
