# ghost: build, test and install the ghost command line and ghost-ui.
# `make help` lists the targets.

GO      ?= go
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(DESTDIR)$(PREFIX)/bin

# The release lives in one place, ghost-core/version/version.go. The
# binaries read their commit from Go's own build stamp, so a plain
# `go build ./cmd/ghost` in a clone reports it; Go does not stamp builds in
# a git worktree or with GOFLAGS=-buildvcs=false, so the Makefile also
# passes the commit it sees (the stamp wins where there is one).
VERSION := $(shell sed -n 's/^const Release = "\(.*\)"$$/\1/p' ghost-core/version/version.go)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
LDFLAGS := -X github.com/ghostproject/ghost/ghost-core/version.commit=$(COMMIT)
# urfave/cli's man-page generator is not needed at run time.
TAGS    := urfave_cli_no_docs

# Every module of the workspace; there is no module at the root, so tests
# and vet loop over them.
MODULES := ghost-core ghost-cli ghost-ui

# cgo is required: the database driver is github.com/mattn/go-sqlite3.
export CGO_ENABLED := 1

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

.PHONY: help build test bench lint tidy fmt install install-ghost install-ghost-ui uninstall clean FORCE

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: bin/ghost bin/ghost-ui ## build bin/ghost and bin/ghost-ui

bin/ghost: FORCE
	cd ghost-cli && $(GO) build -trimpath -tags $(TAGS) -ldflags '$(LDFLAGS)' -o ../bin/ghost ./cmd/ghost

bin/ghost-ui: FORCE
	cd ghost-ui && $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o ../bin/ghost-ui ./cmd/ghost-ui

# The race runtime sleeps atexit_sleep_ms (1 s by default) at every exit
# of a race-built process, and the tests start the test binary thousands of
# times as ghost and as monitors: ghost-cli's tests took 134 s instead of
# 39 s. A GORACE set by the caller wins.
GORACE ?= atexit_sleep_ms=0
export GORACE

test: bin/testsum ## run every module's tests with the race detector; name every failure and every skip with its reason
	@failed=; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) test -race -count=1 -timeout 30m -json ./... 2>&1) | bin/testsum || failed="$$failed $$m"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAIL in:$$failed"; exit 1; fi

# testsum turns go test -json into the usual lines plus the skipped tests
# and why (plain go test prints a skipped test as ok).
bin/testsum: .ci/testsum.go
	GOWORK=off $(GO) build -o $@ .ci/testsum.go

bench: ## compare ghost with nq, tsp, pm2 and setsid, measure follow, capture, memory, history, ghost-ui; write docs/benchmarks.md
	bash bench/run.sh

# Platforms go vet checks besides this one: the code for each must at
# least type-check (platform files, tests with Linux-only calls). cgo is
# off for them, as no C cross-compiler is assumed; go-sqlite3 then
# type-checks its stub.
VET_GOOS := darwin

lint: ## check formatting (gofmt), go vet (also for $(VET_GOOS)) and go mod tidy in every module
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done
	@set -e; for os in $(VET_GOOS); do for m in $(MODULES); do \
		echo "== vet $$m for $$os"; (cd $$m && GOOS=$$os CGO_ENABLED=0 $(GO) vet ./...); done; done
	@set -e; for m in $(MODULES); do \
		(cd $$m && $(GO) mod tidy -diff >/dev/null) || { echo "$$m/go.mod is not tidy: run make tidy"; exit 1; }; \
	done

tidy: ## run go mod tidy in every module
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) mod tidy); done

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
