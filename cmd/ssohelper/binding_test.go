package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// TestSessionBinding: a saved sign-in is bound to the provider, client and
// platform that issued it. Once the profile (through the environment or
// the config file) names others, nothing of it is printed or sent: exit 4
// and sign in again. logout revokes where it came from.
func TestSessionBinding(t *testing.T) {
	other, err := authtest.NewServer(authtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tests := []struct {
		name     string
		env      map[string]string
		profile  func(*config.Profile)
		wantText string
	}{
		{
			name:     "issuer and client from the environment",
			env:      map[string]string{config.EnvIssuer: other.Issuer(), config.EnvClientID: "9other9client9id9abcdefghi"},
			wantText: "was signed in with identity provider http://127.0.0.1",
		},
		{
			name:     "platform base URL changed in the config file",
			profile:  func(p *config.Profile) { p.Platform.BaseURL = other.PlatformURL() },
			wantText: "platform encodify",
		},
		{
			name:     "platform kind changed to none",
			profile:  func(p *config.Profile) { p.Platform = config.Platform{Kind: config.KindNone} },
			wantText: ", not none",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			// Due for renewal: a refresh would send the refresh tokens.
			h.editSession(func(s *auth.SignIn) {
				s.Expiry = time.Now().Add(-time.Minute)
				s.Platform.Expiry = time.Now().Add(-time.Minute)
			})
			if tt.profile != nil {
				h.writeProfile(tt.profile)
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			before, otherBefore := h.srv.Counts(), other.Counts()
			for _, args := range [][]string{{"token"}, {"status"}, {"status", "--format", "json"}} {
				code := h.run(context.Background(), nil, args...)
				if code != exitSignInNeed || !strings.Contains(h.stderr.String(), tt.wantText) {
					t.Errorf("%s: exit %d; want %d naming %q; stderr:\n%s", args, code, exitSignInNeed, tt.wantText, h.stderr.String())
				}
				if args[0] == "token" && h.stdout.Len() != 0 {
					t.Errorf("token printed %q; want nothing", h.stdout.String())
				}
			}
			if got := other.Counts(); got != otherBefore {
				t.Errorf("the newly named provider/platform got requests: %+v", got)
			}
			if got := h.srv.Counts(); got != before {
				t.Errorf("the original provider/platform got requests: %+v; want none before logout", got)
			}

			h.mustRun(nil, "logout")
			if got := h.srv.Counts().Revoke - before.Revoke; got != 1 {
				t.Errorf("revocations at the provider that issued the token = %d; want 1; stderr:\n%s", got, h.stderr.String())
			}
			if got := other.Counts(); got != otherBefore {
				t.Errorf("logout sent requests to the newly named provider/platform: %+v", got)
			}
			if names, err := h.store().Names(context.Background()); err != nil || len(names) != 0 {
				t.Errorf("store still holds %v (%v)", names, err)
			}
		})
	}
}
