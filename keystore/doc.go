// Package keystore keeps ssohelper's saved sign-ins (tokens) and client
// secrets safe at rest.
//
// # Design
//
// The OS keyring holds exactly one small entry per store: a random 256-bit
// "vault key" (service "ssohelper", user "vault-key"). Each saved value lives
// in its own file under a data directory, sealed with AES-256-GCM under that
// key. Client secrets use the same store under names like
// "secret/<profile>/client".
//
// Why a key in the keyring and data in files, rather than the data itself in
// the keyring:
//
//   - No keyring size limit can ever be hit. Windows Credential Manager takes
//     2560 bytes per entry and macOS about 3 KB; Cognito id, access and refresh
//     tokens together are larger. The vault key is 44 bytes of base64.
//   - Updates are atomic. A file is written to a temporary name, synced and
//     renamed over the old one, so a reader, or a process killed with kill -9
//     in the middle of Put, sees the old value or the new one, never a mix.
//     Splitting a value over several keyring entries could not promise that.
//   - Reading a saved value costs exactly one keyring call (the key read),
//     none when there is no saved value, and none after the first in a
//     long-running process (the key is cached until a file names another
//     key). That keeps the hot path `ssohelper token` faster than
//     `secret-tool lookup` (measured: about 3 ms against 19 ms).
//
// Each file binds its entry name as GCM additional data, so files swapped or
// copied between names fail to open (ErrCorrupt). Each file also records a
// short fingerprint of the key that sealed it, so a replaced or deleted key
// is reported as ErrKeyLost rather than as corruption. Losing the vault key is
// always a hard, explained error, never a silent reset: the user is told to
// sign in again.
//
// # Keyring calls
//
// Every keyring call runs in its own goroutine and is waited for at most
// Options.Timeout (5s by default), because a locked Secret Service can block on
// an unlock prompt forever. On timeout the call returns ErrKeyringTimeout and
// the goroutine is left behind: it exits when the keyring call returns, and
// its result is dropped. A missing Secret Service (no D-Bus session, no
// keyring daemon) is reported as ErrKeyringUnavailable with install hints.
//
// # Concurrency
//
// Two processes that save their first value at the same time must not end up
// with two vault keys. Creating the key therefore happens under an exclusive
// lock file (.vault-key.lock in the data directory): the holder reads the
// keyring again, creates and stores the key only if it is still missing, and
// then reads back and uses whatever the keyring holds. Processes that use
// different data directories with the same keyring service are not covered by
// that lock; in that rare case the last writer wins and a value sealed by the
// loser reports ErrKeyLost.
//
// # Hot path
//
// A cached read is one file read, one AES-GCM open and one vault-key lookup.
// On Linux the lookup goes, in order, to the Store's memory, to a copy in
// the kernel's per-user keyring (keyrings(7); kept for Options.KeyCacheTTL,
// 10 minutes by default, only for the real system keyring), and only then
// to the Secret Service, in three D-Bus calls instead of go-keyring's six
// (secretservice_unix.go). The kernel copy never touches disk and is
// readable only by the same user's processes, who can read an unlocked
// Secret Service collection anyway; it outlives a keyring lock by at most
// the TTL, and Wipe drops it. Measured with scripts/bench.sh, `ssohelper
// token` then costs about half of one `secret-tool lookup`.
//
// # Insecure file store
//
// Machines without a keyring can opt in to NewFileKeyring, which keeps the
// vault key in a plaintext 0600 file. That protects against nothing but other
// users; callers MUST announce every use (see Store.Insecure) and MUST NOT
// fall back to it silently.
package keystore
