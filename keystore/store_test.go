package keystore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testStore is the conformance suite every Keyring must pass.
func testStore(t *testing.T, newKeyring func(t *testing.T) Keyring) {
	ctx := context.Background()
	setup := func(t *testing.T) (*Store, Keyring, string) {
		t.Helper()
		kr := newKeyring(t)
		service := uniqueService(t)
		s := newStore(t, kr, service, filepath.Join(t.TempDir(), "data"))
		return s, kr, service
	}

	t.Run("round trip", func(t *testing.T) {
		s, _, _ := setup(t)
		for _, size := range []int{0, 1, 20 << 10, 1 << 20} {
			want := randomBytes(t, size)
			mustPut(t, s, "tokens/dev", want)
			got, err := s.Get(ctx, "tokens/dev")
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("size %d: got %d bytes, %v; want %d bytes, nil", size, len(got), err, size)
			}
		}
	})

	t.Run("overwrite and delete", func(t *testing.T) {
		s, _, _ := setup(t)
		mustPut(t, s, "dev", []byte("old"))
		mustPut(t, s, "dev", []byte("new"))
		if got, err := s.Get(ctx, "dev"); string(got) != "new" || err != nil {
			t.Errorf("Get after overwrite: got %q, %v; want \"new\", nil", got, err)
		}
		for range 2 { // Deleting a missing value is not an error.
			if err := s.Delete(ctx, "dev"); err != nil {
				t.Errorf("Delete: got %v; want nil", err)
			}
		}
		if _, err := s.Get(ctx, "dev"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get after Delete: got %v; want ErrNotFound", err)
		}
	})

	t.Run("names", func(t *testing.T) {
		s, _, _ := setup(t)
		if got, err := s.Names(ctx); len(got) != 0 || err != nil {
			t.Errorf("Names of empty store: got %q, %v; want none", got, err)
		}
		want := []string{"Prod", "prod", "secret/prod/client", "x.y_z-1"}
		for _, n := range want {
			mustPut(t, s, n, []byte("value of "+n))
		}
		got, err := s.Names(ctx)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Names: got %q, %v; want %q", got, err, want)
		}
		for _, n := range want { // Names differing only in case stay apart.
			if got, err := s.Get(ctx, n); string(got) != "value of "+n || err != nil {
				t.Errorf("Get(%q): got %q, %v; want %q", n, got, err, "value of "+n)
			}
		}
	})

	t.Run("tampered", func(t *testing.T) {
		s, _, _ := setup(t)
		for _, tc := range []struct {
			name   string
			tamper func([]byte) []byte
		}{
			{"flipped ciphertext", func(b []byte) []byte { b[headerLen] ^= 1; return b }},
			{"flipped tag", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
			{"flipped nonce", func(b []byte) []byte { b[headerLen-1] ^= 1; return b }},
			{"flipped magic", func(b []byte) []byte { b[0] ^= 1; return b }},
			{"truncated", func(b []byte) []byte { return b[:headerLen+3] }},
			{"empty", func([]byte) []byte { return nil }},
		} {
			mustPut(t, s, "dev", []byte("secret value"))
			path := filepath.Join(s.Dir(), fileName("dev"))
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.tamper(b), 0o600); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Get(ctx, "dev"); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: got %q, %v; want ErrCorrupt", tc.name, got, err)
			}
		}
	})

	t.Run("swapped files", func(t *testing.T) {
		s, _, _ := setup(t)
		mustPut(t, s, "alpha", []byte("alpha value"))
		mustPut(t, s, "beta", []byte("beta value"))
		a, b := filepath.Join(s.Dir(), fileName("alpha")), filepath.Join(s.Dir(), fileName("beta"))
		tmp := a + ".swap"
		for _, mv := range [][2]string{{a, tmp}, {b, a}, {tmp, b}} {
			if err := os.Rename(mv[0], mv[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []string{"alpha", "beta"} {
			if got, err := s.Get(ctx, n); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Get(%q) after swap: got %q, %v; want ErrCorrupt", n, got, err)
			}
		}
	})

	t.Run("key lost", func(t *testing.T) {
		s, kr, service := setup(t)
		mustPut(t, s, "dev", []byte("v"))
		if err := kr.Delete(service, keyUser); err != nil {
			t.Fatal(err)
		}
		fresh := newStore(t, kr, service, s.Dir())
		_, err := fresh.Get(ctx, "dev")
		if !errors.Is(err, ErrKeyLost) || !strings.Contains(err.Error(), "run `ssohelper login` again") {
			t.Errorf("Get without key: got %v; want ErrKeyLost telling to log in", err)
		}
		// Signing in again creates a new key; values sealed with the old
		// one stay lost, and say so.
		mustPut(t, fresh, "prod", []byte("p"))
		if got, err := fresh.Get(ctx, "prod"); string(got) != "p" || err != nil {
			t.Errorf("Get after new key: got %q, %v; want \"p\", nil", got, err)
		}
		if _, err := newStore(t, kr, service, s.Dir()).Get(ctx, "dev"); !errors.Is(err, ErrKeyLost) {
			t.Errorf("Get of value sealed with replaced key: got %v; want ErrKeyLost", err)
		}
	})

	t.Run("concurrent first put", func(t *testing.T) {
		s, kr, service := setup(t)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			other := newStore(t, kr, service, s.Dir()) // like another process
			wg.Go(func() { errs[i] = other.Put(ctx, "n"+string(rune('a'+i)), []byte{byte(i)}) })
		}
		wg.Wait()
		reader := newStore(t, kr, service, s.Dir())
		for i, err := range errs {
			n := "n" + string(rune('a'+i))
			if got, gerr := reader.Get(ctx, n); err != nil || gerr != nil || !bytes.Equal(got, []byte{byte(i)}) {
				t.Errorf("%s: Put %v, Get %v, %v; want one shared key", n, err, got, gerr)
			}
		}
	})

	t.Run("wipe", func(t *testing.T) {
		s, kr, service := setup(t)
		mustPut(t, s, "dev", []byte("v"))
		mustPut(t, s, "secret/dev/client", []byte("c"))
		if err := s.Wipe(ctx); err != nil {
			t.Fatalf("Wipe: %v", err)
		}
		if got, err := s.Names(ctx); len(got) != 0 || err != nil {
			t.Errorf("Names after Wipe: got %q, %v; want none", got, err)
		}
		if _, err := kr.Get(service, keyUser); !errors.Is(mapKeyringError(err), ErrNotFound) {
			t.Errorf("vault key after Wipe: got %v; want not found", err)
		}
		if err := s.Wipe(ctx); err != nil {
			t.Errorf("second Wipe: got %v; want nil", err)
		}
	})

	t.Run("permissions", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("Windows has no Unix permission bits")
		}
		s, _, _ := setup(t)
		if err := os.MkdirAll(s.Dir(), 0o755); err != nil {
			t.Fatal(err)
		}
		mustPut(t, s, "dev", []byte("v"))
		for path, want := range map[string]os.FileMode{
			s.Dir():                                 0o700 | os.ModeDir,
			filepath.Join(s.Dir(), fileName("dev")): 0o600,
		} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode(); got != want {
				t.Errorf("mode of %s: got %v; want %v", path, got, want)
			}
		}
	})
}

func TestFakeKeyring(t *testing.T) {
	for _, tc := range []struct {
		name     string
		maxEntry int
	}{
		{"unlimited", 0},
		{"windows 2560 B limit", 2560},
		{"macos 3000 B limit", 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testStore(t, func(*testing.T) Keyring {
				kr := newFakeKeyring()
				kr.MaxEntry = tc.maxEntry
				return kr
			})
		})
	}
}

func TestRealKeyring(t *testing.T) {
	requireRealKeyring(t)
	testStore(t, func(*testing.T) Keyring { return OSKeyring{} })
}

// requireRealKeyring skips unless SSOHELPER_REAL_KEYRING=1; with
// SSOHELPER_REQUIRE_REAL set (CI) a missing real keyring fails instead.
func requireRealKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("SSOHELPER_REAL_KEYRING") == "1" {
		return
	}
	msg := "set SSOHELPER_REAL_KEYRING=1 to test against the system keyring; " +
		"keystore/testdata/with-keyring.sh provides a private one"
	if os.Getenv("SSOHELPER_REQUIRE_REAL") != "" {
		t.Fatal("the real keyring is required (SSOHELPER_REQUIRE_REAL is set): " + msg)
	}
	t.Skip(msg)
}

// newStore returns a Store that is wiped when the test ends.
func newStore(t *testing.T, kr Keyring, service, dir string) *Store {
	t.Helper()
	// The conformance suite checks the keyring itself, so the kernel key
	// cache (TestKernelKeyCache) is off here.
	s, err := New(Options{Dir: dir, Keyring: kr, Service: service, KeyCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Wipe(context.Background()); err != nil {
			t.Errorf("cleanup Wipe: %v", err)
		}
	})
	return s
}

// uniqueService returns a keyring service name no other test run uses.
func uniqueService(t *testing.T) string {
	return "ssohelper-test-" + hex.EncodeToString(randomBytes(t, 6))
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPut(t *testing.T, s *Store, name string, value []byte) {
	t.Helper()
	if err := s.Put(context.Background(), name, value); err != nil {
		t.Fatalf("Put(%q): %v", name, err)
	}
}
