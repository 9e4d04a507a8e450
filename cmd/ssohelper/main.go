// Command ssohelper signs designers in to an Amazon Cognito–backed platform
// from the desktop and hands the resulting tokens to plugins and tools.
//
// With no arguments it will be the tray app; subcommands are the headless
// mode. Run `ssohelper --help` for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
