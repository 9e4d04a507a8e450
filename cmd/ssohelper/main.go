// Command ssohelper signs designers in to an Amazon Cognito–backed platform
// from the desktop and hands the resulting tokens to plugins and tools.
//
// With no arguments it is the desktop app (window and tray); subcommands
// are the headless mode. Run `ssohelper --help` for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	attachConsole() // Windows GUI build: a subcommand run from a terminal prints there
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
