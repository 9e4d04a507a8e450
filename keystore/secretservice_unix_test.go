//go:build !darwin && !windows

package keystore

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestFastGet: the three-call reader finds what go-keyring wrote, and says
// "not found" itself, without falling back.
func TestFastGet(t *testing.T) {
	requireRealKeyring(t)
	service := uniqueService(t)
	if err := keyring.Set(service, "u", "v-123"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Delete(service, "u") })
	if v, ok, err := fastGet(service, "u"); !ok || err != nil || v != "v-123" {
		t.Errorf("fastGet = %q, %t, %v; want v-123, true, nil", v, ok, err)
	}
	if _, ok, err := fastGet(service, "missing"); !ok || !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("fastGet(missing) = %t, %v; want true, ErrNotFound", ok, err)
	}
}
