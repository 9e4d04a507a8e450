//go:build !nogui

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/app/integrate"
)

// desktopCommands are the commands only the desktop build has.
func (a *app) desktopCommands() []*cobra.Command {
	return []*cobra.Command{a.installDesktopCmd(), a.uninstallDesktopCmd()}
}

func (a *app) installDesktopCmd() *cobra.Command {
	var autostart, remove bool
	cmd := &cobra.Command{
		Use:   "install-desktop",
		Short: "Add ssohelper to the desktop: app menu entry, ssohelper:// links, start at login",
		Long: `install-desktop registers the desktop app for the current user.
Linux: an application entry whose Exec line both starts the app and handles
ssohelper:// links (MimeType=x-scheme-handler/ssohelper), the icon, and, with
xdg-mime, ssohelper as the handler of those links. Windows: the ssohelper://
scheme under HKEY_CURRENT_USER\Software\Classes. macOS: the app bundle
registers links itself. --autostart also starts the app at login, in the
tray (--hidden): the app keeps tokens fresh only while it runs.
uninstall-desktop (or --remove) takes all of it away again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := a.integration()
			if err != nil {
				return err
			}
			if remove {
				return in.Remove(cmd.Context())
			}
			return in.Install(cmd.Context(), autostart)
		},
	}
	cmd.Flags().BoolVar(&autostart, "autostart", false, "also start ssohelper at login, in the tray")
	cmd.Flags().BoolVar(&remove, "remove", false, "same as uninstall-desktop")
	return cmd
}

func (a *app) uninstallDesktopCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall-desktop",
		Short: "Remove what install-desktop added (app entry, link handler, start at login)",
		Long: `uninstall-desktop removes what install-desktop wrote: the app menu entry,
the ssohelper:// link registration and the start at login. Sign-ins and
settings stay; to remove those too, run 'ssohelper logout --all --purge' and
delete the data and config directories (see the README).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := a.integration()
			if err != nil {
				return err
			}
			return in.Remove(cmd.Context())
		},
	}
}

// integration is this OS's registration of the desktop app, for this
// program.
func (a *app) integration() (integrate.Integration, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return nil, fmt.Errorf("finding this program's path: %w", err)
	}
	home, _ := os.UserHomeDir()
	in, err := integrate.For(integrate.Env{
		GOOS: runtime.GOOS, Exe: exe, Home: home, Getenv: a.env.Getenv, Log: a.env.Stderr, Run: runDesktopTool,
	})
	if errors.Is(err, integrate.ErrUnsupported) {
		return nil, usagef("%v", err)
	}
	return in, err
}

// runDesktopTool runs an optional desktop tool, with a timeout.
func runDesktopTool(ctx context.Context, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return integrate.ErrToolMissing
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
