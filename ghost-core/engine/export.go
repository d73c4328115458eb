package engine

import (
	"github.com/ghostproject/ghost/ghost-core/export"
	"github.com/ghostproject/ghost/ghost-core/secret"
	"github.com/ghostproject/ghost/ghost-core/version"
)

// What `ghost export` renders tasks into, through the door: see package
// export for each.
type (
	// ExportSet is the services to render, and their project.
	ExportSet = export.Set
	// ExportService is one command as a service manager should run it.
	ExportService = export.Service
	// ExportVar is one environment variable of an ExportService.
	ExportVar = export.Var
	// ExportPolicy says when the service manager starts the command again.
	ExportPolicy = export.Policy
	// ExportFile is one file Render writes.
	ExportFile = export.File
)

// The restart modes of an ExportPolicy, as ghost's --restart names them.
const (
	ExportRestartNo        = export.RestartNo
	ExportRestartOnFailure = export.RestartOnFailure
	ExportRestartAlways    = export.RestartAlways
	// ExportUnlimited is an ExportPolicy's Burst without bound.
	ExportUnlimited = export.Unlimited
)

// ExportFormats are the formats RenderExport knows.
var ExportFormats = export.Formats

// RenderExport renders set in format (one of ExportFormats).
func RenderExport(format string, set ExportSet) ([]ExportFile, error) {
	return export.Render(format, set)
}

// SecretEnvName reports whether a variable's name says its value is a
// secret, by the rules MaskEnv follows.
func SecretEnvName(name string) bool { return secret.Key(name) }

// ValidEnvKey reports whether a service manager accepts key as a
// variable's name.
func ValidEnvKey(key string) bool { return export.ValidEnvKey(key) }

// VersionInfo is what a binary reports about itself.
type VersionInfo = version.Info

// Version reads the binary's release and build information.
func Version() VersionInfo { return version.Get() }

// Release is the release this source tree becomes.
const Release = version.Release
