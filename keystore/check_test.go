package keystore

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestCheck: Check passes a keyring that answers, even without a vault key
// yet, and names a locked one as locked, with what to do.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error // from the keyring's Get
		want     error // nil: Check passes
		wantText []string
		wantHint string
	}{
		{"no vault key yet", keyring.ErrNotFound, nil, nil, ""},
		{"login collection locked",
			errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"),
			ErrKeyringUnavailable, []string{"it is locked", "unlock it"}, hintLocked},
		{"no default collection",
			errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
			ErrKeyringUnavailable, []string{"locked or has no default collection"}, hintLocked},
		{"no session bus", errors.New("dbus: couldn't determine address of session bus"),
			ErrKeyringUnavailable, []string{"no Secret Service"}, hintUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kr := newFakeKeyring()
			kr.Err = tc.err
			s, err := New(Options{Dir: t.TempDir(), Keyring: kr, KeyCacheTTL: -1})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Check(context.Background())
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v; want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v; want %v", err, tc.want)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got message %q; want it to contain %q", err, want)
				}
			}
			if got, want := hintOf(err), tc.wantHint; got != want {
				t.Errorf("got hint %q; want %q", got, want)
			}
		})
	}
}
