package keystore

import (
	"time"

	"golang.org/x/sys/unix"
)

// The kernel key cache keeps a copy of the vault key in the Linux kernel's
// per-user keyring (keyrings(7)) for a short time, so the hot path of
// `ssohelper token` needs no D-Bus round trip to the Secret Service at all.
// The copy lives in kernel memory only, readable by the same user's
// processes (as an unlocked Secret Service collection is), expires after
// the TTL, and is dropped by Wipe.

// keyPerm grants the possessor everything and the owning user view, read,
// search and setattr; nobody else anything (<linux/keyctl.h>).
const keyPerm = 0x3f000000 | 0x00010000 | 0x00020000 | 0x00080000 | 0x00200000

func kernelCacheName(service string) string { return "ssohelper-vault-key:" + service }

// kernelCacheGet returns the cached vault key, or "" when there is none.
func kernelCacheGet(service string) string {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "user", kernelCacheName(service), 0)
	if err != nil {
		return ""
	}
	buf := make([]byte, 128)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if err != nil || n > len(buf) {
		return ""
	}
	return string(buf[:n])
}

// kernelCachePut caches v for ttl. Failures are ignored: the cache only
// saves time.
func kernelCachePut(service, v string, ttl time.Duration) {
	id, err := unix.AddKey("user", kernelCacheName(service), []byte(v), unix.KEY_SPEC_USER_KEYRING)
	if err != nil {
		return
	}
	secs := int((ttl + time.Second - 1) / time.Second) // 0 would mean "never expires"
	_, terr := unix.KeyctlInt(unix.KEYCTL_SET_TIMEOUT, id, secs, 0, 0)
	if perr := unix.KeyctlSetperm(id, keyPerm); perr != nil || terr != nil {
		// A copy without its limits must not stay behind.
		unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0)
	}
}

// kernelCacheDrop removes the cached vault key.
func kernelCacheDrop(service string) {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "user", kernelCacheName(service), 0)
	if err != nil {
		return
	}
	unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0)
}
