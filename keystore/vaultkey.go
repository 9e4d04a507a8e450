package keystore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

const (
	// keyUser is the keyring user name of the vault key entry.
	keyUser = "vault-key"
	keySize = 32 // AES-256
	// keyIDLen is the length of the key fingerprint stored in each file.
	keyIDLen = 8
	lockFile = ".vault-key.lock"
)

// keyFreshFor is how long a vault key read from the keyring counts as
// the keyring's current key for Put: a sign-in whose Ready check read it
// moments ago (a provider session that sends the browser straight back)
// saves without asking again. Another process could only replace the key
// after the entry was deleted; a value sealed with the old key in that
// window reads as ErrKeyLost, and the user signs in again.
const keyFreshFor = 10 * time.Second

// vaultKey is the AES-256 key from the keyring and its fingerprint.
type vaultKey struct {
	raw []byte
	id  [keyIDLen]byte
	// readAt is when readKey fetched it from the keyring; zero for a
	// copy from the kernel key cache, which never counts as fresh.
	readAt time.Time
}

// parseKey decodes the keyring's base64 text form of a vault key.
func parseKey(s string) (vaultKey, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != keySize {
		return vaultKey{}, fmt.Errorf("%w: the keyring entry %q is not a vault key", ErrKeyDamaged, keyUser)
	}
	return vaultKey{raw: raw, id: keyID(raw)}, nil
}

// keyID fingerprints raw. Eight bytes of a hash of a random 256-bit key reveal
// nothing usable about it; they only tell keys apart.
func keyID(raw []byte) [keyIDLen]byte {
	sum := sha256.Sum256(append([]byte("ssohelper vault key id\x00"), raw...))
	return [keyIDLen]byte(sum[:keyIDLen])
}

// readKey fetches the vault key from the keyring: one round trip.
func (s *Store) readKey(ctx context.Context) (vaultKey, error) {
	v, err := callKeyring(ctx, s.timeout, func() (string, error) { return s.keyring.Get(s.service, keyUser) })
	if err != nil {
		return vaultKey{}, err
	}
	k, err := parseKey(v)
	if err != nil {
		return vaultKey{}, err
	}
	if s.cacheTTL > 0 {
		kernelCachePut(s.service, v, s.cacheTTL)
	}
	k.readAt = time.Now()
	return k, nil
}

// keyForWrite returns the vault key, creating it if the keyring has none.
func (s *Store) keyForWrite(ctx context.Context) (vaultKey, error) {
	s.mu.Lock()
	c := s.cached
	s.mu.Unlock()
	if c != nil && !c.readAt.IsZero() && time.Since(c.readAt) < keyFreshFor {
		return *c, nil
	}
	k, err := s.readKey(ctx)
	if !errors.Is(err, ErrNotFound) {
		return k, err
	}
	return s.createKey(ctx)
}

// createKey creates and stores a vault key under the store's lock file.
// Inside the lock it reads the keyring again (another process may have won
// the race) and, after storing a new key, reads back and uses what the
// keyring holds, so every process seals with the same key.
func (s *Store) createKey(ctx context.Context) (vaultKey, error) {
	unlock, err := s.lock(ctx)
	if err != nil {
		return vaultKey{}, err
	}
	defer unlock()

	k, err := s.readKey(ctx)
	if !errors.Is(err, ErrNotFound) {
		return k, err
	}
	raw := make([]byte, keySize)
	if _, err := rand.Read(raw); err != nil {
		return vaultKey{}, fmt.Errorf("reading random vault key: %w", err)
	}
	if names, _ := s.Names(ctx); len(names) > 0 {
		s.log.Warn("keystore: creating a new vault key; values sealed with the lost key can no longer be read",
			"dir", s.dir, "values", len(names))
	}
	_, err = callKeyring(ctx, s.timeout, func() (string, error) {
		return "", s.keyring.Set(s.service, keyUser, base64.StdEncoding.EncodeToString(raw))
	})
	if err != nil {
		return vaultKey{}, fmt.Errorf("storing the vault key: %w", err)
	}
	s.log.Debug("keystore: created vault key", "service", s.service)
	return s.readKey(ctx)
}

// lock takes the store's exclusive lock file. It waits while another process
// holds it, up to ctx and a bound of a few keyring timeouts (the holder makes
// at most three keyring calls).
func (s *Store) lock(ctx context.Context) (unlock func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, 4*s.timeout)
	defer cancel()
	l := flock.New(filepath.Join(s.dir, lockFile))
	if ok, err := l.TryLockContext(ctx, 5*time.Millisecond); !ok {
		return nil, fmt.Errorf("locking %s: %w", l.Path(), errors.Join(err, ctx.Err()))
	}
	return func() {
		if err := l.Unlock(); err != nil {
			s.log.Warn("keystore: unlocking", "path", l.Path(), "err", err)
		}
	}, nil
}

// Check reads the vault key from the keyring without creating it: the
// keyring answers and is unlocked (doctor). No key yet is fine: the first
// sign-in creates it. A locked keyring is named as such, with what to do.
func (s *Store) Check(ctx context.Context) error {
	_, err := s.readKey(ctx)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case errors.Is(err, ErrKeyringUnavailable) && isLocked(err) && !strings.Contains(err.Error(), "/aliases/"):
		// A read unlocks the login collection by its own path (a write may
		// go through the default alias, which may not exist): failing to
		// unlock it means it is locked and no unlock prompt was answered.
		return &hinted{fmt.Errorf("%w: it is locked, and no unlock prompt could be shown or it was dismissed; unlock it (or log in to the desktop) and try again",
			ErrKeyringUnavailable), hintLocked}
	}
	return err
}
