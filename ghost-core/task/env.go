package task

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
)

// ErrBadEnv reports a malformed environment assignment.
var ErrBadEnv = errors.New("want KEY=VALUE")

// ParseEnvPair splits a KEY=VALUE assignment. The key may not be empty or
// hold '=' or NUL, and the value may not hold NUL: execve could not pass it.
func ParseEnvPair(s string) (key, value string, err error) {
	key, value, ok := strings.Cut(s, "=")
	switch {
	case !ok || key == "":
		return "", "", fmt.Errorf("%q: %w", s, ErrBadEnv)
	case strings.ContainsRune(key, 0) || strings.ContainsRune(value, 0):
		return "", "", fmt.Errorf("%q: %w without NUL bytes", s, ErrBadEnv)
	}
	return key, value, nil
}

// EnvMap turns a KEY=VALUE list, such as os.Environ, into a map; later
// entries win, as they do for execve's consumers.
func EnvMap(list []string) map[string]string {
	m := make(map[string]string, len(list))
	for _, kv := range list {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}

// EnvList turns a map back into a sorted KEY=VALUE list.
func EnvList(m map[string]string) []string {
	list := make([]string, 0, len(m))
	for k, v := range m {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// foldEnvCase: Windows reads variable names without regard to case (the
// system sets Path, users type PATH), so two spellings are one variable.
const foldEnvCase = runtime.GOOS == "windows"

// SetEnv sets key in an environment map. Where names ignore case
// (Windows), a name that differs from key only in case is the same
// variable and is replaced.
func SetEnv(m map[string]string, key, value string) {
	if foldEnvCase {
		for k := range m {
			if k != key && strings.EqualFold(k, key) {
				delete(m, k)
			}
		}
	}
	m[key] = value
}

// GetEnv reads key from an environment map, ignoring case where names do.
func GetEnv(m map[string]string, key string) string {
	if v, ok := m[key]; ok || !foldEnvCase {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}
