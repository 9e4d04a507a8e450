//go:build !darwin && !windows

package keystore

import (
	"errors"
	"os"
	"path/filepath"
)

// osKeyringKind names the system keyring go-keyring uses on this OS.
const osKeyringKind = "system keyring (Secret Service)"

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
