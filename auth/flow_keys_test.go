package auth

import (
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestLoginKeysRotatedMeanwhile: the flow fetches the signing keys while
// the user signs in; when the provider rotates its keys after that fetch
// and before it issues the tokens, the id_token names a kid the fetched
// set lacks, and the flow fetches the keys again and signs in.
func TestLoginKeysRotatedMeanwhile(t *testing.T) {
	r := newAttackRig(t, authtest.Options{})
	before := r.srv.Counts().JWKS
	res := r.login(t, r.profile(false), "", func(t *testing.T, r *attackRig, _, _ string) {
		// The browser has the code. Wait for the flow's first fetch of
		// the keys (it runs alongside the browser), then rotate.
		for r.srv.Counts().JWKS == before {
			select {
			case <-t.Context().Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
		r.srv.RotateSigningKey()
	})
	if res.err != nil {
		t.Fatalf("Login: %v", res.err)
	}
	if got := r.srv.Counts().JWKS - before; got != 2 {
		t.Errorf("the flow fetched the keys %d times; want 2 (while signing in, and for the new kid)", got)
	}
}
