package logs

import "golang.org/x/sys/windows/registry"

// underWine reports whether this is wine rather than Windows, for the
// tests that wine cannot pass: it keeps its own key in the registry.
func underWine() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Wine`, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	k.Close()
	return true
}
