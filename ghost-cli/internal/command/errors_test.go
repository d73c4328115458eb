package command

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

func TestReport(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		want string
	}{
		{nil, 0, ""},
		{failed("run", fmt.Errorf("x: %w", engine.ErrCommandNotFound)), 127, "ghost: run: x: command not found\n"},
		{failed("run", fmt.Errorf("x: %w", engine.ErrNotExecutable)), 126, "ghost: run: x: permission denied or not executable\n"},
		{failed("status", &task.AmbiguousError{Ref: "a", Candidates: []string{"a1", "a2"}}), 1,
			"ghost: status: ambiguous task id prefix a\nghost: hint: it matches a1, a2; give more characters\n"},
		{failed("log", errors.New("evil \x1b[2J")), 1, "ghost: log: evil \\x1b[2J\n"},
		{&cliError{what: "run", err: errors.New("e"), hint: "one\ntwo \x1b", code: 1}, 1, "ghost: run: e\nghost: hint: one\ntwo \\x1b\n"},
		{errInterrupted, 130, ""},
		{&cliError{what: "wait", code: 3, quiet: true}, 3, ""},
	} {
		var b bytes.Buffer
		if code := report(&b, tc.err); code != tc.code || b.String() != tc.want {
			t.Errorf("report(%v) = %d, %q; want %d, %q", tc.err, code, b.String(), tc.code, tc.want)
		}
	}
}
