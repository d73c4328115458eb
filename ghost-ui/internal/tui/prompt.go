package tui

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/ghostproject/ghost/ghost-core/engine"
	"github.com/ghostproject/ghost/ghost-core/task"
)

// newTaskPrompt asks for a command line and an optional name, and starts
// the task in ghost-ui's own directory and environment, as `ghost run`
// would from the shell that started ghost-ui.
type newTaskPrompt struct {
	root          *tview.Flex
	command, name *tview.InputField
}

func (u *UI) newPrompt() *newTaskPrompt {
	p := &newTaskPrompt{
		command: tview.NewInputField().SetLabel("command: "),
		name:    tview.NewInputField().SetLabel("name (optional): "),
	}
	for _, f := range []*tview.InputField{p.command, p.name} {
		f.SetFieldBackgroundColor(tcell.ColorDefault).SetFieldTextColor(tcell.ColorDefault)
		f.SetDoneFunc(func(key tcell.Key) {
			switch key {
			case tcell.KeyEscape:
				u.back()
			case tcell.KeyEnter:
				u.submitPrompt()
			case tcell.KeyTab, tcell.KeyBacktab:
				if u.app.GetFocus() == p.command {
					u.app.SetFocus(p.name)
				} else {
					u.app.SetFocus(p.command)
				}
			}
		})
	}
	hint := tview.NewTextView().SetText("Enter starts it, Tab moves between the fields, Esc cancels. Shell syntax (| && $VAR …) runs through sh -c.")
	form := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(p.command, 1, 0, true).
		AddItem(p.name, 1, 0, false).
		AddItem(tview.NewBox(), 1, 0, false).
		AddItem(hint, 0, 1, false)
	form.SetBorder(true).SetTitle(" new task ")
	// nil items leave the table and log visible above and below.
	p.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(nil, 0, 1, false).
		AddItem(form, 7, 0, true).
		AddItem(nil, 0, 1, false)
	return p
}

func (u *UI) openPrompt() {
	u.prompt.command.SetText("")
	u.prompt.name.SetText("")
	u.pages.ShowPage("new")
	u.app.SetFocus(u.prompt.command)
}

func (u *UI) submitPrompt() {
	argv, err := commandLine(u.prompt.command.GetText())
	if err != nil {
		u.setError("new task: %v", err)
		return
	}
	name := strings.TrimSpace(u.prompt.name.GetText())
	u.back()
	cwd, err := os.Getwd()
	if err != nil {
		u.setError("new task: %v", err)
		return
	}
	// The log limits as `ghost run` resolves them without flags.
	policy, err := u.eng.LogPolicy()
	if err != nil {
		u.setError("new task: %v", err)
		return
	}
	opts := engine.Spec{Name: name, Command: argv, Cwd: cwd, Env: os.Environ(), EnvGiven: []string{}, Log: policy}
	u.setMessage("starting %s…", strings.Join(argv, " "))
	var t task.Task
	u.background("", func(ctx context.Context) error {
		var err error
		t, err = u.eng.Run(ctx, opts)
		return err
	}, func() {
		u.selectedID = t.ID
		u.reload()
		u.setMessage("started %s", t.ShortID())
	})
}

// errNoCommand means the prompt was left empty.
var errNoCommand = errors.New("no command given")

// commandLine splits what was typed into argv as a shell would split
// plain words: blanks separate them, quotes ('…' and "…") and backslashes
// keep blanks in. A line with anything more (pipes, redirections,
// variables, globs, &&) runs through sh -c whole, as typed.
func commandLine(line string) ([]string, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil, errNoCommand
	}
	if strings.ContainsAny(line, "|&;<>()$`*?[]{}~#!\n") {
		return []string{"/bin/sh", "-c", line}, nil
	}
	var argv []string
	var word strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range line {
		switch {
		case escaped:
			word.WriteRune(r)
			escaped = false
		case quote != 0 && r == quote:
			quote = 0
		case quote == '\'':
			word.WriteRune(r)
		case r == '\\':
			escaped, inWord = true, true
		case quote == '"':
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				argv = append(argv, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unfinished quote")
	}
	if inWord {
		argv = append(argv, word.String())
	}
	return argv, nil
}
