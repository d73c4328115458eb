// Package version says which release of ghost a binary is and what it was
// built from, for the --version of both binaries.
package version

import (
	"runtime"
	"runtime/debug"
)

// Release is the release this source tree becomes: the one place the
// version lives (the Makefile, the packages and the man pages read it from
// here, so a plain `go build` reports it too). A release bumps it, adds its
// section to CHANGELOG.md and tags the commit (see CONTRIBUTING.md).
const Release = "0.2.0"

// commit is the revision the binary was built from when the build carries
// no version-control stamp (a source tarball): a packager may set it with
// -ldflags "-X github.com/ghostproject/ghost/ghost-core/version.commit=…".
var commit = ""

// Info is what a binary reports about itself.
type Info struct {
	// Release is the release, as in Release.
	Release string
	// Commit is the revision the binary was built from, shortened to 12
	// hex digits and followed by "-dirty" when the tree had changes;
	// "unknown" when neither the build nor the packager said.
	Commit string
	// Go is the toolchain version that built the binary.
	Go string
}

// Get reads the binary's build information: the commit comes from the
// version-control stamp Go writes into every build made in a checkout
// (go build, go install, make build alike).
func Get() Info {
	info := Info{Release: Release, Commit: commit, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.Commit = fromSettings(bi.Settings, info.Commit)
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// fromSettings picks the revision out of the build settings, keeping
// fallback when there is none.
func fromSettings(settings []debug.BuildSetting, fallback string) string {
	var rev string
	var dirty bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return fallback
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

// String is the one line --version prints after the binary's name:
// "0.2.0 (commit 0123456789ab, go1.26.0 linux/amd64)".
func (i Info) String() string {
	return i.Release + " (commit " + i.Commit + ", " + i.Go + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
