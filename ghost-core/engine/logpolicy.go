package engine

import (
	"fmt"
	"strconv"

	"github.com/ghostproject/ghost/ghost-core/logs"
)

// LogPolicy bounds the disk one task's log may use: at most MaxFiles files
// of at most MaxSize bytes each, the current one included.
type LogPolicy = logs.Policy

// DefaultLogPolicy is the policy when neither flags nor environment say
// otherwise: 10 MiB a file, 5 files.
var DefaultLogPolicy = logs.DefaultPolicy

// ParseSize reads a byte count with an optional binary suffix: 512K, 10M,
// 1G (KB, KiB and lowercase work too).
func ParseSize(s string) (int64, error) { return logs.ParseSize(s) }

// LogPolicy is the log policy of a launch that sets none itself, from
// the environment the engine was opened with (see LogPolicyFromEnv).
func (e *Engine) LogPolicy() (LogPolicy, error) { return LogPolicyFromEnv(e.getenv) }

// LogPolicyFromEnv is the log policy of a launch that sets none itself:
// GHOST_LOG_MAX_SIZE and GHOST_LOG_MAX_FILES from getenv, else
// DefaultLogPolicy. Every launcher (ghost run, ghost restart, ghost-ui's
// restart) resolves it here, alike. A bad value is an error matching
// ErrBadSetting.
func LogPolicyFromEnv(getenv func(string) string) (LogPolicy, error) {
	p := DefaultLogPolicy
	if v := getenv("GHOST_LOG_MAX_SIZE"); v != "" {
		n, err := logs.ParseSize(v)
		if err != nil {
			return p, settingError{fmt.Errorf("invalid $GHOST_LOG_MAX_SIZE %w", err)}
		}
		p.MaxSize = n
	}
	if v := getenv("GHOST_LOG_MAX_FILES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, settingError{fmt.Errorf("invalid $GHOST_LOG_MAX_FILES %q: want a whole number of at least 1", v)}
		}
		p.MaxFiles = n
	}
	return p, nil
}

// settingError is a bad value of an environment variable: it reads as
// its own message and matches ErrBadSetting.
type settingError struct{ error }

func (e settingError) Unwrap() error        { return e.error }
func (e settingError) Is(target error) bool { return target == ErrBadSetting }
