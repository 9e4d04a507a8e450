//go:build !darwin && !windows

package keystore

import (
	"errors"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// TestFastGetFresh: reads on the one connection, through the remembered
// item path, always see the keyring as it is now: a value replaced by
// go-keyring reads new, a deleted one reads as not found, one stored again
// reads again.
func TestFastGetFresh(t *testing.T) {
	requireRealKeyring(t)
	service := uniqueService(t)
	t.Cleanup(func() { keyring.Delete(service, "u") })
	want := func(step, value string, wantErr error) {
		t.Helper()
		v, ok, err := fastGet(service, "u")
		if !ok || v != value || !errors.Is(err, wantErr) {
			t.Errorf("%s: fastGet = %q, %t, %v; want %q, true, %v", step, v, ok, err, value, wantErr)
		}
	}
	for i, step := range []struct {
		name string
		do   func() error
		want string
		err  error
	}{
		{"stored", func() error { return keyring.Set(service, "u", "v-1") }, "v-1", nil},
		{"again", func() error { return nil }, "v-1", nil},
		{"replaced", func() error { return keyring.Set(service, "u", "v-2") }, "v-2", nil},
		{"deleted", func() error { return keyring.Delete(service, "u") }, "", keyring.ErrNotFound},
		{"stored again", func() error { return keyring.Set(service, "u", "v-3") }, "v-3", nil},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("step %d (%s): %v", i, step.name, err)
		}
		want(step.name, step.want, step.err)
	}
	// One connection for the whole run: go-keyring's and fastGet's.
	a, errA := dbus.SessionBus()
	b, errB := dbus.SessionBus()
	if errA != nil || errB != nil || a != b {
		t.Errorf("SessionBus gave %p, %p (%v, %v); want one shared connection", a, b, errA, errB)
	}
	if _, found := ssItems.get(a, [2]string{service, "u"}); !found {
		t.Errorf("the item path was not remembered for the shared connection")
	}
}
