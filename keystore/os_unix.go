//go:build !darwin && !windows

package keystore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// osKeyringKind names the system keyring go-keyring uses on this OS.
const osKeyringKind = "system keyring (Secret Service)"

// checkSessionBus returns ErrKeyringUnavailable when there is no D-Bus
// session bus to find. Without it godbus would run dbus-launch, which starts
// a session bus daemon that outlives this process: one more stray daemon for
// every call on a headless machine.
func checkSessionBus() error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	runtimeDir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, f := range []string{"bus", "dbus-session"} { // Where godbus looks next.
		if _, err := os.Stat(filepath.Join(runtimeDir, f)); err == nil {
			return nil
		}
	}
	return &hinted{fmt.Errorf("%w: no Secret Service: DBUS_SESSION_BUS_ADDRESS is not set and %s has no bus socket",
		ErrKeyringUnavailable, runtimeDir), hintUnavailable}
}

// defaultDataHome returns $HOME/.local/share, the XDG default for
// XDG_DATA_HOME.
func defaultDataHome() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// syncDir flushes a directory entry change (a rename or a removal) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
