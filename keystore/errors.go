package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
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
	// ErrCorrupt means a saved value's file is damaged, was tampered with,
	// or was copied from another name. Only that value is affected.
	ErrCorrupt = errors.New("saved value is corrupt")
	// ErrKeyDamaged means the vault key entry (in the keyring, or the key
	// file of a FileKeyring) is not a vault key. Nothing can be opened or
	// saved until it is repaired or removed; it is never replaced silently.
	ErrKeyDamaged = errors.New("the vault key entry is damaged")
	// ErrInvalidName means an entry name breaks the naming rules (see Store.Put).
	ErrInvalidName = errors.New("invalid entry name")
)

// What to do about an unusable keyring, one line each. They lead the
// message a command prints (see Hint).
const (
	hintUnavailable = "start a system keyring (gnome-keyring or KWallet), or add --insecure-file-store to keep the vault key in a 0600 file"
	hintLocked      = "unlock the system keyring (or log in to the desktop) and try again, or add --insecure-file-store to keep the vault key in a 0600 file"
)

// hinted is an error with a one-line hint of what the user can do. Its
// Error text is the cause alone; callers that talk to people print the
// hint first (errors.As with an interface{ Hint() string } target).
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

// Hint says what to do, in one line.
func (e *hinted) Hint() string { return e.hint }

// timeoutError builds the error for a keyring call that took longer than d.
func timeoutError(d time.Duration) error {
	return &hinted{fmt.Errorf("%w: the system keyring did not answer within %v (is it locked?)", ErrKeyringTimeout, d), hintLocked}
}

// writeFailed adds what to do to an error writing a file in dir: free
// space when the disk is full, else make dir writable and clear.
func writeFailed(err error, dir string) error {
	const kept = " and try again (what was saved before is kept)"
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &hinted{err, "free some disk space on the drive of " + dir + kept}
	case errors.As(err, new(*fs.PathError)), errors.As(err, new(*os.LinkError)):
		return &hinted{err, "check that you can write to " + dir + " and that nothing else has taken the file name there," + kept}
	}
	return err
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
		return &hinted{fmt.Errorf("%w: it is locked or has no default collection: %w", ErrKeyringUnavailable, err), hintLocked}
	case isUnavailable(err):
		return &hinted{fmt.Errorf("%w: no Secret Service answers on D-Bus: %w", ErrKeyringUnavailable, err), hintUnavailable}
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
