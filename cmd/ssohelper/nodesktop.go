//go:build nogui

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// hasDesktop says whether this build has the desktop app.
const hasDesktop = false

// desktopCommands: a build without the desktop app has none.
func (a *app) desktopCommands() []*cobra.Command { return nil }

// demoDesktop: a build without the desktop app has no desktop demo.
func (a *app) demoDesktop(context.Context) error {
	return usagef("this build of ssohelper has no desktop app (built with -tags nogui); run 'ssohelper demo' instead, or build without the nogui tag")
}

// isLink: a build without the desktop app handles no ssohelper:// links.
func isLink(string) bool { return false }

// runDesktop, in a build without the desktop app, prints help on stderr.
func (a *app) runDesktop(cmd *cobra.Command, _ []string) error {
	cmd.SetOut(a.env.Stderr)
	if err := cmd.Help(); err != nil {
		return err
	}
	fmt.Fprintln(a.env.Stderr, "\nThis build of ssohelper has no desktop app (built with -tags nogui): use the commands above.")
	return nil
}
