package keystore

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
	"testing"
	"time"
)

// TestPutKeyFreshness: Put seals with a key read from the keyring in the
// last keyFreshFor (as Ready reads it just before a sign-in) without asking
// again, and reads the keyring again for an older key or a copy from the
// kernel key cache, so a key replaced in the keyring is never used to seal.
func TestPutKeyFreshness(t *testing.T) {
	ctx := context.Background()
	ready := func(t *testing.T, s *Store) {
		if err := s.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	}
	age := func(s *Store) { s.cached.readAt = time.Now().Add(-keyFreshFor - time.Second) }
	tests := []struct {
		name string
		// prime runs on a new Store once the key exists, and leaves its
		// remembered key as the case needs.
		prime      func(t *testing.T, s *Store)
		replaceKey bool // the keyring entry is replaced after prime
		wantReads  int  // keyring reads by Put
	}{
		{"read by Ready just before", ready, false, 0},
		{"read longer ago than keyFreshFor", func(t *testing.T, s *Store) { ready(t, s); age(s) }, false, 1},
		{"read long ago and replaced since", func(t *testing.T, s *Store) { ready(t, s); age(s) }, true, 1},
		{"a copy from the kernel key cache", func(t *testing.T, s *Store) {
			k, err := s.readKey(ctx)
			if err != nil {
				t.Fatal(err)
			}
			k.readAt = time.Time{} // as keyFor remembers a kernel cache copy
			s.remember(k)
		}, true, 1},
		{"nothing read yet", func(*testing.T, *Store) {}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := newFakeKeyring()
			service := uniqueService(t)
			dir := filepath.Join(t.TempDir(), "data")
			mustPut(t, newStore(t, kr, service, dir), "session/old", []byte("old")) // creates the key

			s := newStore(t, kr, service, dir)
			tt.prime(t, s)
			if tt.replaceKey {
				if err := kr.Set(service, keyUser, base64.StdEncoding.EncodeToString(randomBytes(t, keySize))); err != nil {
					t.Fatal(err)
				}
			}
			before := kr.Gets()
			mustPut(t, s, "session/work", []byte("v1"))
			if got := kr.Gets() - before; got != tt.wantReads {
				t.Errorf("keyring reads by Put: %d, want %d", got, tt.wantReads)
			}
			// Whatever key Put sealed with, another process reads it back.
			got, err := newStore(t, kr, service, dir).Get(ctx, "session/work")
			if err != nil || !bytes.Equal(got, []byte("v1")) {
				t.Errorf("read back: %q, %v; want v1", got, err)
			}
		})
	}
}
