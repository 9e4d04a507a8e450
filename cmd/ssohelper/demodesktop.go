//go:build !nogui

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// demoDesktop runs the desktop app on the emulator: this process runs the
// emulator, the app runs as a child on a configuration, data, cache and
// runtime directory of its own (a temporary directory, removed at the
// end), so the demo touches none of the user's own settings, sign-ins,
// keyring or start at login, and does not meet an ssohelper already
// running.
func (a *app) demoDesktop(ctx context.Context) error {
	if !hasDisplay(a.env.Getenv) {
		return usagef("the desktop demo needs a display; without one, run 'ssohelper demo' (it signs in by itself)")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this program's path: %w", err)
	}
	srv, p, err := a.startDemoEmulator()
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "ssohelper-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := filepath.Join(dir, "config.toml")
	f := &config.File{DefaultProfile: p.Name, Profiles: map[string]config.Profile{p.Name: p}}
	if err := f.Save(cfg); err != nil {
		return err
	}
	env := append(os.Environ(),
		config.EnvConfig+"="+cfg,
		config.EnvPlatformSecret+"="+authtest.DemoPlatformApp().Secret,
		envFileStore+"=1", // the demo's tokens stay in the temporary directory
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"),
		"XDG_RUNTIME_DIR="+filepath.Join(dir, "run"))
	if a.env.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" { // it defaults to the runtime dir moved above
		if run := a.env.Getenv("XDG_RUNTIME_DIR"); run != "" {
			env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(run, "bus"))
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "run"), 0o700); err != nil {
		return err
	}
	var args []string
	if a.g.verbose {
		args = append(args, "-v")
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, a.env.Stderr, a.env.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	fmt.Fprintf(a.env.Stderr, "Demo Cognito user pool %s and platform running at %s\n", srv.PoolID(), srv.URL())
	u := authtest.DemoUsers()[0]
	fmt.Fprintf(a.env.Stderr, "Starting the desktop app on them. Click Sign in, then sign in in your browser as user %q with password %q.\n", u.Username, u.Password)
	fmt.Fprintln(a.env.Stderr, "Quit the app (tray menu, or close its window when there is no tray) to end the demo.")
	if err := cmd.Run(); err != nil && !errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("the desktop app: %w", err)
	}
	fmt.Fprintln(a.env.Stderr, "Demo finished; its settings and tokens were removed.")
	return nil
}
