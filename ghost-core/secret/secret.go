// Package secret tells which values of an environment may be secrets and
// hides them before they reach a screen: someone may be looking over your
// shoulder, sharing a screen, or recording a terminal session.
package secret

import (
	"regexp"
	"strings"
	"sync"
)

// Masked is shown in place of a secret (or of the password in a URL).
const Masked = "********"

// longWords make a variable secret wherever they appear in its name:
// DB_PASSWORD, GPG_PASSPHRASE, MY_TOKEN_FILE.
var longWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE"}

// shortWords do so only as a whole word of the name or at a word's end:
// GITHUB_PAT and PGPASS are secrets, PATH and KEYBOARD_LAYOUT are not.
var shortWords = []string{"PASS", "KEY", "AUTH", "PAT"}

// neverSecret are names whose values are never secrets and which people
// read to understand a task: where it ran.
var neverSecret = map[string]bool{"PWD": true, "OLDPWD": true}

// Key reports whether a variable of this name is taken for a secret.
func Key(name string) bool {
	up := strings.ToUpper(name)
	if neverSecret[up] {
		return false
	}
	for _, w := range longWords {
		if strings.Contains(up, w) {
			return true
		}
	}
	for _, word := range strings.FieldsFunc(up, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		for _, w := range shortWords {
			if strings.HasSuffix(word, w) {
				return true
			}
		}
	}
	return false
}

// urlCredentials matches the password of a URL's user information:
// postgres://admin:pw@db/prod, http://u:pw@proxy:3128.
var urlCredentials = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]*:)([^/?#@\s]+)@`)
})

// Value hides the password of every URL in v.
func Value(v string) string {
	if !strings.Contains(v, "://") {
		return v
	}
	return urlCredentials().ReplaceAllString(v, "${1}"+Masked+"@")
}

// Mask is what may be shown of the variable name=value: the whole value
// hidden when the name says secret, else the value with its URL passwords
// hidden.
func Mask(name, value string) string {
	if value != "" && Key(name) {
		return Masked
	}
	return Value(value)
}
