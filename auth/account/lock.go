package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// lockPath is the lock file of the profile: a readable prefix plus a hash,
// so any profile name maps to one safe file name.
func (m *Manager) lockPath() string {
	sum := sha256.Sum256([]byte(m.Profile))
	name := strings.Map(func(r rune) rune { // [^A-Za-z0-9_-] -> _
		if r == '_' || r == '-' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, m.Profile)
	if len(name) > 32 {
		name = name[:32]
	}
	return filepath.Join(m.LockDir, name+"-"+hex.EncodeToString(sum[:4])+".lock")
}

// lock takes the profile's cross-process refresh lock. It is an OS file
// lock (flock/LockFileEx): the kernel drops it when its process dies, so a
// killed refresher never blocks anyone.
func (m *Manager) lock(ctx context.Context) (unlock func(), err error) {
	if err := os.MkdirAll(m.LockDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the lock directory: %w", err)
	}
	timeout := m.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fl := flock.New(m.lockPath())
	ok, err := fl.TryLockContext(lctx, 20*time.Millisecond)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, fmt.Errorf("another ssohelper process has been renewing the sign-in of profile %s for %s; try again", m.Profile, timeout)
		}
		if err == nil {
			err = errors.New("lock not acquired")
		}
		return nil, fmt.Errorf("waiting for the refresh lock: %w", err)
	}
	return func() { fl.Unlock() }, nil
}
