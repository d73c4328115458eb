package task

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNameLikeID means a name could be read as a task id prefix: made of
// hex digits and '-' only. A task named "1a2b" would win over the task
// whose id starts with 1a2b, and `ghost stop 1a2b`, copied from a list,
// would stop another task.
var ErrNameLikeID = errors.New("a name of only hex digits and '-' could be read as a task id")

// CheckName reports whether name can name a task: an empty name (no name)
// can, and so can any other without NUL that cannot be read as an id.
func CheckName(name string) error {
	if name == "" {
		return nil
	}
	if strings.ContainsRune(name, 0) {
		return fmt.Errorf("%q: a name cannot hold NUL", name)
	}
	if strings.Trim(strings.ToLower(name), "0123456789abcdef-") == "" {
		return fmt.Errorf("%q: %w", name, ErrNameLikeID)
	}
	return nil
}
