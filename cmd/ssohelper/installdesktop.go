//go:build !nogui

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/assets"
)

// desktopCommands are the commands only the desktop build has.
func (a *app) desktopCommands() []*cobra.Command { return []*cobra.Command{a.installDesktopCmd()} }

func (a *app) installDesktopCmd() *cobra.Command {
	var autostart, remove bool
	cmd := &cobra.Command{
		Use:   "install-desktop",
		Short: "Add ssohelper to the desktop: app menu entry, ssohelper:// links, start at login",
		Long: `install-desktop registers the desktop app for the current user (Linux):
an application entry whose Exec line both starts the app and handles
ssohelper:// links (MimeType=x-scheme-handler/ssohelper), the icon, and, with
xdg-mime, ssohelper as the handler of those links. --autostart also starts
the app at login, in the tray (--hidden): the app keeps tokens fresh only
while it runs. --remove takes all of it away again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
				return usagef("install-desktop registers XDG desktop files, for Linux; on %s this is not built yet", runtime.GOOS)
			}
			d := a.xdgDirs()
			if remove {
				return a.removeDesktop(d)
			}
			return a.installDesktop(cmd.Context(), d, autostart)
		},
	}
	cmd.Flags().BoolVar(&autostart, "autostart", false, "also start ssohelper at login, in the tray")
	cmd.Flags().BoolVar(&remove, "remove", false, "remove the app entry, the icon and the autostart entry")
	return cmd
}

// xdgPaths are the files install-desktop writes.
type xdgPaths struct{ apps, entry, icon, autostart string }

func (a *app) xdgDirs() xdgPaths {
	home, _ := os.UserHomeDir()
	data := a.env.Getenv("XDG_DATA_HOME")
	if !filepath.IsAbs(data) {
		data = filepath.Join(home, ".local", "share")
	}
	cfg := a.env.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(cfg) {
		cfg = filepath.Join(home, ".config")
	}
	apps := filepath.Join(data, "applications")
	return xdgPaths{
		apps:      apps,
		entry:     filepath.Join(apps, "ssohelper.desktop"),
		icon:      filepath.Join(data, "icons", "hicolor", "256x256", "apps", "ssohelper.png"),
		autostart: filepath.Join(cfg, "autostart", "ssohelper.desktop"),
	}
}

func (a *app) installDesktop(ctx context.Context, d xdgPaths, autostart bool) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program's path: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("finding this program's path: %w", err)
	}
	files := map[string][]byte{
		d.entry: []byte(desktopEntry(exe, "%u", false)),
		d.icon:  assets.Icon,
	}
	if autostart {
		files[d.autostart] = []byte(desktopEntry(exe, "--hidden", true))
	}
	for path, data := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintf(a.env.Stderr, "Wrote %s\n", path)
	}
	// Make ssohelper the handler of ssohelper:// links; refresh the menu.
	a.runIfPresent(ctx, "xdg-mime", "default", "ssohelper.desktop", "x-scheme-handler/ssohelper")
	a.runIfPresent(ctx, "update-desktop-database", d.apps)
	if autostart {
		fmt.Fprintln(a.env.Stderr, "ssohelper now starts at login, in the tray.")
	}
	return nil
}

// runIfPresent runs an optional desktop tool and says what happened.
func (a *app) runIfPresent(ctx context.Context, name string, args ...string) {
	if _, err := exec.LookPath(name); err != nil {
		fmt.Fprintf(a.env.Stderr, "%s is not installed; skipped it (the desktop picks the entry up at next login).\n", name)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, name, args...).CombinedOutput(); err != nil {
		fmt.Fprintf(a.env.Stderr, "%s failed (%v): %s\n", name, err, strings.TrimSpace(string(out)))
		return
	}
	fmt.Fprintf(a.env.Stderr, "Ran %s %s\n", name, strings.Join(args, " "))
}

func (a *app) removeDesktop(d xdgPaths) error {
	var errs []error
	for _, path := range []string{d.entry, d.icon, d.autostart} {
		err := os.Remove(path)
		switch {
		case err == nil:
			fmt.Fprintf(a.env.Stderr, "Removed %s\n", path)
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// desktopEntry is an XDG desktop entry that runs exe with arg (%u: the
// link the desktop hands over, if any).
func desktopEntry(exe, arg string, autostart bool) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\nName=ssohelper\nGenericName=Sign-in helper\n")
	b.WriteString("Comment=Signs you in to your creative tools' platform and keeps the sign-in fresh\n")
	fmt.Fprintf(&b, "Exec=%s %s\n", quoteExec(exe), arg)
	b.WriteString("Icon=ssohelper\nTerminal=false\nCategories=System;Security;\nStartupWMClass=ssohelper\n")
	if autostart {
		b.WriteString("X-GNOME-Autostart-enabled=true\n")
	} else {
		b.WriteString("MimeType=x-scheme-handler/ssohelper;\n")
	}
	return b.String()
}

// quoteExec quotes a path for an Exec key (Desktop Entry spec: double
// quotes, with ", `, $ and \ escaped, and \ doubled once more for the
// string-value escaping).
func quoteExec(s string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(s) + `"`
}
