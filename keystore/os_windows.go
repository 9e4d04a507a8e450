package keystore

import "os"

// osKeyringKind names the system keyring go-keyring uses on this OS.
const osKeyringKind = "system keyring (Windows Credential Manager)"

// checkSessionBus does nothing: this OS's keyring needs no D-Bus.
func checkSessionBus() error { return nil }

// defaultDataHome returns %AppData%.
func defaultDataHome() (string, error) { return os.UserConfigDir() }

// syncDir does nothing: Windows cannot open a directory for syncing. The
// rename itself is atomic (os.Rename uses MoveFileEx with
// MOVEFILE_REPLACE_EXISTING).
func syncDir(string) error { return nil }
