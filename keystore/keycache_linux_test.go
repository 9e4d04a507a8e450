package keystore

import (
	"context"
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestKernelKeyCache: a Store on the real keyring leaves a short-lived copy
// of the vault key in the kernel keyring, a fresh Store (a new process)
// reads through it without asking the Secret Service, and Wipe drops it.
func TestKernelKeyCache(t *testing.T) {
	requireRealKeyring(t)
	ctx := context.Background()
	service := uniqueService(t)
	dir := t.TempDir()
	s, err := New(Options{Dir: dir, Service: service})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "session/work", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if kernelCacheGet(service) == "" {
		t.Fatal("no cached vault key after Put")
	}
	// Remove the Secret Service entry behind the cache's back: a fresh Store
	// still opens the value through the cached copy (that is the hot path).
	if err := keyring.Delete(service, keyUser); err != nil {
		t.Fatal(err)
	}
	fresh, _ := New(Options{Dir: dir, Service: service})
	if got, err := fresh.Get(ctx, "session/work"); err != nil || string(got) != "v1" {
		t.Fatalf("Get through the kernel cache = %q, %v; want v1", got, err)
	}
	// A Store with the cache off asks the keyring and finds the key gone.
	nocache, _ := New(Options{Dir: dir, Service: service, KeyCacheTTL: -1})
	if _, err := nocache.Get(ctx, "session/work"); !errors.Is(err, ErrKeyLost) {
		t.Errorf("Get without cache = %v; want ErrKeyLost", err)
	}
	if err := fresh.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if kernelCacheGet(service) != "" {
		t.Error("Wipe left the cached vault key in the kernel keyring")
	}
}
