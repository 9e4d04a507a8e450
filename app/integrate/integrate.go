// Package integrate registers the desktop app with the operating system
// for the current user: the app menu entry that also handles ssohelper://
// links, and the start at login (in the tray). Each OS has its own
// Integration: XDG files on Linux and the BSDs, a LaunchAgent on macOS
// (its links come from the app bundle's Info.plist), the registry under
// HKEY_CURRENT_USER on Windows.
package integrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// ErrUnsupported means this OS has no Integration.
var ErrUnsupported = errors.New("registering the desktop app is not supported on this system")

// Integration is one OS's registration of the desktop app.
type Integration interface {
	// Install registers the app (menu entry, link handler) and, with
	// autostart, its start at login. It says what it did on Env.Log.
	Install(ctx context.Context, autostart bool) error
	// Remove takes away everything Install wrote; what is not there is
	// not an error.
	Remove(ctx context.Context) error
	// Autostart reports whether the app starts at login.
	Autostart() (bool, error)
	// SetAutostart turns the start at login on or off.
	SetAutostart(ctx context.Context, on bool) error
	// Places lists where Install writes, for people.
	Places() []string
}

// Env is what an Integration needs from its caller.
type Env struct {
	GOOS   string              // runtime.GOOS, or another for tests
	Exe    string              // the absolute path of the program to register
	Home   string              // the user's home directory
	Getenv func(string) string // XDG_DATA_HOME, XDG_CONFIG_HOME
	Log    io.Writer           // what was done, for people (stderr)
	// Run runs an optional desktop tool (xdg-mime, update-desktop-database)
	// and says whether it was there; nil: tools are not run.
	Run func(ctx context.Context, name string, args ...string) error
}

// ErrToolMissing is what Env.Run returns for a tool that is not installed.
var ErrToolMissing = errors.New("not installed")

// HiddenFlag is the argument that starts the app in the tray.
const HiddenFlag = "--hidden"

// For returns the Integration of e.GOOS.
func For(e Env) (Integration, error) {
	if !filepath.IsAbs(e.Exe) {
		return nil, fmt.Errorf("the program path %q is not absolute", e.Exe)
	}
	if e.Log == nil {
		e.Log = io.Discard
	}
	switch e.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return newXDG(e), nil
	case "darwin":
		return newLaunchd(e), nil
	case "windows":
		return newRegistry(e)
	}
	return nil, fmt.Errorf("%w (%s)", ErrUnsupported, e.GOOS)
}

// runTool runs an optional tool through e.Run and says what happened.
func (e Env) runTool(ctx context.Context, name string, args ...string) {
	if e.Run == nil {
		return
	}
	switch err := e.Run(ctx, name, args...); {
	case errors.Is(err, ErrToolMissing):
		fmt.Fprintf(e.Log, "%s is not installed; skipped it (the desktop picks the entry up at next login).\n", name)
	case err != nil:
		fmt.Fprintf(e.Log, "%s failed: %v\n", name, err)
	default:
		fmt.Fprintf(e.Log, "Ran %s %s\n", name, strings.Join(args, " "))
	}
}
