package keystore

import (
	"errors"
	"os"
)

// osKeyringKind names the system keyring go-keyring uses on this OS.
const osKeyringKind = "system keyring (macOS Keychain)"

// checkSessionBus does nothing: this OS's keyring needs no D-Bus.
func checkSessionBus() error { return nil }

// defaultDataHome returns ~/Library/Application Support.
func defaultDataHome() (string, error) { return os.UserConfigDir() }

// syncDir flushes a directory entry change (a rename or a removal) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
