package version

import (
	"regexp"
	"runtime/debug"
	"testing"
)

func TestFromSettings(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		name     string
		settings []debug.BuildSetting
		fallback string
		want     string
	}{
		{"stamped", []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "false"}}, "", "0123456789ab"},
		{"dirty", []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: "true"}}, "", "0123456789ab-dirty"},
		{"tarball with -X", nil, "abc123", "abc123"},
		{"nothing", []debug.BuildSetting{{Key: "-trimpath", Value: "true"}}, "", ""},
	} {
		if got := fromSettings(c.settings, c.fallback); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestString(t *testing.T) {
	got := Get().String()
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(Release) + ` \(commit \S+, go\S+ \w+/\w+\)$`).MatchString(got) {
		t.Errorf("version line %q", got)
	}
}

func TestReleaseIsSemver(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(Release) {
		t.Errorf("Release %q is not MAJOR.MINOR.PATCH: module tags need it", Release)
	}
}
