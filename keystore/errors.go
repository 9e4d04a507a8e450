package keystore

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Errors returned by Store. Callers test them with errors.Is; the wrapped
// messages carry the explanation for the user.
var (
	// ErrNotFound means there is no saved value under the name.
	ErrNotFound = errors.New("no saved value")
	// ErrKeyringTimeout means the system keyring did not answer in time,
	// usually because it is locked and waiting for an unlock prompt.
	ErrKeyringTimeout = errors.New("system keyring timeout")
	// ErrKeyringUnavailable means no usable system keyring is running.
	ErrKeyringUnavailable = errors.New("system keyring unavailable")
	// ErrKeyLost means a saved value exists but the vault key that seals it
	// is gone from the keyring (or was replaced). The value cannot be
	// recovered; the user must sign in again.
	ErrKeyLost = errors.New("the keyring entry that unlocks your saved sign-in is gone; run `ssohelper login` again")
	// ErrCorrupt means a saved file (or the vault key) is damaged, was
	// tampered with, or was copied from another name.
	ErrCorrupt = errors.New("saved value is corrupt")
	// ErrInvalidName means an entry name breaks the naming rules (see Store.Put).
	ErrInvalidName = errors.New("invalid entry name")
)

const (
	hintUnavailable = "no system keyring is running (Secret Service over D-Bus). " +
		"Install and start gnome-keyring or KWallet, or opt in to the file store with --insecure-file-store"
	hintLocked = "the system keyring is locked or has no default collection: " +
		"unlock it (or log in to the desktop) and try again, or opt in to the file store with --insecure-file-store"
)

// timeoutError builds the error for a keyring call that took longer than d.
func timeoutError(d time.Duration) error {
	return fmt.Errorf("%w: the system keyring did not answer within %v: is it locked? "+
		"unlock it (or log in to the desktop) and try again", ErrKeyringTimeout, d)
}

// mapKeyringError turns an error from a Keyring into one of the package's
// sentinels where it recognises the cause, keeping the original wrapped.
// Keyring errors never contain secret values, so the text is safe to show.
func mapKeyringError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return ErrNotFound
	case errors.Is(err, ErrKeyringUnavailable):
		return err // Already explained.
	case isLocked(err):
		return fmt.Errorf("%w: %s: %w", ErrKeyringUnavailable, hintLocked, err)
	case isUnavailable(err):
		return fmt.Errorf("%w: %s: %w", ErrKeyringUnavailable, hintUnavailable, err)
	default:
		return fmt.Errorf("system keyring: %w", err)
	}
}

// isUnavailable reports whether err says that there is no D-Bus session or
// no Secret Service on it. go-keyring passes godbus errors through as text,
// so matching the text is the only portable way.
func isUnavailable(err error) bool {
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true // The session bus socket does not answer.
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{
		"org.freedesktop.secrets",
		"dbus",
		"d-bus",
		"not activatable",
		"serviceunknown",
		"dbus_session_bus_address",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// isLocked reports whether err says that the keyring collection could not be
// unlocked (an unlock prompt was dismissed, or no login collection exists).
func isLocked(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "failed to unlock")
}
