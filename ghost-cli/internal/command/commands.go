package command

import "github.com/urfave/cli/v2"

// commands is the table of every ghost command; each lives in its own file.
func commands() []*cli.Command {
	return []*cli.Command{
		runCommand(),
		listCommand(),
		statusCommand(),
		logCommand(),
		stopCommand(),
		killCommand(),
		waitCommand(),
		restartCommand(),
		rmCommand(),
		cleanupCommand(),
		upCommand(),
		downCommand(),
		exportCommand(),
		mcpCommand(),
		uiCommand(),
		completionCommand(),
		completeCommand(),
		helpCommand(),
	}
}
