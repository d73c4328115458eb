# ghost: build, test and install the ghost command line and ghost-ui.
# `make help` lists the targets.

GO      ?= go
# Where make build leaves the binaries and completion scripts, and where
# make install takes them from.
BUILDDIR ?= bin
override B := $(abspath $(BUILDDIR))

# Install locations, as packagers expect them: DESTDIR stages, PREFIX is
# where the files will live.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

# The release lives in one place, ghost-core/version/version.go. The
# binaries read their commit from Go's own build stamp, so a plain
# `go build ./cmd/ghost` in a clone reports it; Go does not stamp builds in
# a git worktree or with GOFLAGS=-buildvcs=false, so the Makefile also
# passes the commit it sees (the stamp wins where there is one).
VERSION := $(shell sed -n 's/^const Release = "\(.*\)"$$/\1/p' ghost-core/version/version.go)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
LDFLAGS := -X github.com/ghostproject/ghost/ghost-core/version.commit=$(COMMIT) $(EXTRA_LDFLAGS)
# Extra go build flags and linker flags (make package: stripped).
BUILDFLAGS ?=
EXTRA_LDFLAGS ?=
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

.PHONY: help build completions test test-windows bench lint tidy man mandoc fmt install install-ghost install-ghost-ui uninstall package clean FORCE

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: $(B)/ghost $(B)/ghost-ui completions ## build bin/ghost, bin/ghost-ui and the completion scripts

$(B)/ghost: FORCE
	cd ghost-cli && $(GO) build -trimpath $(BUILDFLAGS) -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(B)/ghost ./cmd/ghost

$(B)/ghost-ui: FORCE
	cd ghost-ui && $(GO) build -trimpath $(BUILDFLAGS) -ldflags '$(LDFLAGS)' -o $(B)/ghost-ui ./cmd/ghost-ui

# The completion scripts come from ghost itself (ghost completion SHELL),
# written at build time so that installing runs nothing it built.
completions: $(B)/ghost
	@mkdir -p $(B)/completion
	$(B)/ghost completion bash > $(B)/completion/ghost.bash
	$(B)/ghost completion zsh > $(B)/completion/_ghost
	$(B)/ghost completion fish > $(B)/completion/ghost.fish

# The race runtime sleeps atexit_sleep_ms (1 s by default) at every exit
# of a race-built process, and the tests start the test binary thousands of
# times as ghost and as monitors: ghost-cli's tests took 134 s instead of
# 39 s. A GORACE set by the caller wins.
GORACE ?= atexit_sleep_ms=0
export GORACE

# Most end-to-end tests wait on real processes (a task's sleep, a monitor's
# drain) rather than use the CPU, and go test runs only GOMAXPROCS of them
# at once: ghost-cli's tests took 79 s with 2 at a time, 36 s with 8.
TESTFLAGS ?= -parallel 8

test: bin/testsum ## run every module's tests with the race detector; name every failure and every skip with its reason
	@failed=; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) -json ./... 2>&1) | bin/testsum || failed="$$failed $$m"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAIL in:$$failed"; exit 1; fi

# testsum turns go test -json into the usual lines plus the skipped tests
# and why (plain go test prints a skipped test as ok).
bin/testsum: .ci/testsum.go
	GOWORK=off $(GO) build -o $@ .ci/testsum.go

test-windows: ## cross-compile for windows/amd64, run the tests and a smoke of ghost.exe under wine (installs MinGW-w64 and wine when root)
	bash .ci/windows/test.sh

bench: ## compare ghost with nq, tsp, pm2 and setsid, measure follow, capture, memory, history, ghost-ui; write docs/benchmarks.md
	bash bench/run.sh

# Platforms go vet checks besides this one: the code for each must at
# least type-check (platform files, tests with Linux-only calls), so a
# Unix-only call in a shared file cannot come back. cgo is off for them,
# as no C cross-compiler is assumed: go-sqlite3 then type-checks its stub,
# and -tags ghostvet lets ghost's store stand in for the driver's calls
# (store/nocgo.go) instead of stopping with "ghost needs cgo".
VET_GOOS := darwin windows

lint: ## gofmt, go vet (also for $(VET_GOOS)), go mod tidy; man pages up to date and mandoc-clean
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done
	@set -e; for os in $(VET_GOOS); do for m in $(MODULES); do \
		echo "== vet $$m for $$os"; (cd $$m && GOOS=$$os CGO_ENABLED=0 $(GO) vet -tags ghostvet ./...); done; done
	@set -e; for m in $(MODULES); do \
		(cd $$m && $(GO) mod tidy -diff >/dev/null) || { echo "$$m/go.mod is not tidy: run make tidy"; exit 1; }; \
	done
	@cd ghost-cli && $(GO) run ./internal/mangen -check -o ../docs/man/ghost.1
	@cd ghost-ui && $(GO) run ./internal/mangen -check -o ../docs/man/ghost-ui.1
	@$(MAKE) --no-print-directory mandoc
	@if command -v mandoc >/dev/null; then mandoc -T lint $(MAN_PAGES); \
	else echo "note: mandoc is not installed (as root, make lint installs it): man pages not linted"; fi

# The man pages are generated from the commands' own definitions (the
# command table, ghost-ui's help view) and checked in, so a source tarball
# needs no generator; make lint fails while one is stale.
MAN_PAGES := docs/man/ghost.1 docs/man/ghost-ui.1

man: ## regenerate the man pages (docs/man) after changing commands, flags or keys
	cd ghost-cli && $(GO) run ./internal/mangen -o ../docs/man/ghost.1
	cd ghost-ui && $(GO) run ./internal/mangen -o ../docs/man/ghost-ui.1

# mandoc lints the pages; as root with apt-get (CI images, containers) it is
# installed when missing, elsewhere linting is skipped with a note.
mandoc:
	@command -v mandoc >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
		{ apt-get install -y -qq mandoc >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq mandoc >/dev/null; }; }

tidy: ## run go mod tidy in every module
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) mod tidy); done

fmt: ## format the code
	gofmt -w $(MODULES)

# Installing never builds: run as root, it would compile as root and leave
# root-owned files in the tree. It installs what make build left, or says to
# run make build first.
install: install-ghost install-ghost-ui ## install binaries, man pages and completions into $(DESTDIR)$(PREFIX)

install-ghost: ## install only ghost, its man page and its completions
	@for f in ghost completion/ghost.bash completion/_ghost completion/ghost.fish; do \
		[ -f "$(B)/$$f" ] || { echo "make: $(BUILDDIR)/$$f is missing: run make build first (not as root), then make install"; exit 1; }; \
	done
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(B)/ghost $(DESTDIR)$(BINDIR)/ghost
	install -m 0644 docs/man/ghost.1 $(DESTDIR)$(MANDIR)/man1/ghost.1
	install -m 0644 $(B)/completion/ghost.bash $(DESTDIR)$(BASHCOMPDIR)/ghost
	install -m 0644 $(B)/completion/_ghost $(DESTDIR)$(ZSHCOMPDIR)/_ghost
	install -m 0644 $(B)/completion/ghost.fish $(DESTDIR)$(FISHCOMPDIR)/ghost.fish

install-ghost-ui: ## install only ghost-ui and its man page
	@[ -f "$(B)/ghost-ui" ] || { echo "make: $(BUILDDIR)/ghost-ui is missing: run make build first (not as root), then make install"; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(B)/ghost-ui $(DESTDIR)$(BINDIR)/ghost-ui
	install -m 0644 docs/man/ghost-ui.1 $(DESTDIR)$(MANDIR)/man1/ghost-ui.1

uninstall: ## remove everything install put in $(DESTDIR)$(PREFIX)
	rm -f $(DESTDIR)$(BINDIR)/ghost $(DESTDIR)$(BINDIR)/ghost-ui \
		$(DESTDIR)$(MANDIR)/man1/ghost.1 $(DESTDIR)$(MANDIR)/man1/ghost-ui.1 \
		$(DESTDIR)$(BASHCOMPDIR)/ghost $(DESTDIR)$(ZSHCOMPDIR)/_ghost $(DESTDIR)$(FISHCOMPDIR)/ghost.fish

# Distribution packages: a .deb and an .rpm for each binary, built by nfpm
# at a pinned version through go run (nothing installed globally). The
# stage holds what the packages carry beside the binaries: compressed man
# pages and changelog, the license, Debian's copyright file.
NFPM    ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
DISTDIR ?= dist
ARCH    ?= $(shell $(GO) env GOARCH)
STAGE   := $(abspath $(DISTDIR))/stage

# The packaged binaries are built apart and stripped, but not as PIE:
# every running task keeps a monitor that is a re-execution of the binary,
# and a PIE Go binary relocates its data at each start: a monitor's PSS
# went from 1.0 to 1.7 MiB, each start took 220 more page faults
# (BenchmarkMonitorMemory with GHOST_BIN set to each). The .debs carry a
# lintian override saying so.
package: ## build .deb and .rpm packages of ghost and ghost-ui into dist/
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory build BUILDDIR=$(STAGE) EXTRA_LDFLAGS='-s -w'
	gzip -9n < docs/man/ghost.1 > $(STAGE)/ghost.1.gz
	gzip -9n < docs/man/ghost-ui.1 > $(STAGE)/ghost-ui.1.gz
	gzip -9n < CHANGELOG.md > $(STAGE)/changelog.gz
	cp LICENSE $(STAGE)/LICENSE
	{ printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: ghost\nSource: https://github.com/ghostproject/ghost\n\nFiles: *\nCopyright: 2026 The ghost authors\nLicense: MIT\n'; \
		sed -e '1,/^$$/d' -e 's/^$$/./' -e 's/^/ /' LICENSE; } > $(STAGE)/copyright
	@set -e; for p in ghost ghost-ui; do for f in deb rpm; do \
		echo "nfpm: $$p $$f"; \
		VERSION=$(VERSION) ARCH=$(ARCH) STAGE=$(STAGE) $(NFPM) package --config packaging/$$p.yaml --packager $$f --target $(DISTDIR)/ >/dev/null; \
	done; done
	@ls $(DISTDIR)/*.deb $(DISTDIR)/*.rpm

clean: ## remove build output
	rm -rf $(B) dist
