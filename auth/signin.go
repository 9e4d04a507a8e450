package auth

import (
	"fmt"
	"time"

	"github.com/ssohelper/ssohelper/auth/platform"
)

// SignIn is everything one sign-in produced: tokens, who, and what issued
// them. It is what the keystore saves per profile (the "saved sign-in");
// it holds secrets and must never be logged or printed whole.
type SignIn struct {
	Profile  string `json:"profile"`
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// PlatformTarget names the platform the session's platform tokens
	// belong to (config.Platform.Target): "none", or the kind, base URL,
	// site and IdP. With Issuer and ClientID it binds the session to what
	// issued it; see [SignIn.Binding].
	PlatformTarget string          `json:"platform_target,omitempty"`
	IDToken        string          `json:"id_token"`
	AccessToken    string          `json:"access_token"`
	RefreshToken   string          `json:"refresh_token,omitempty"`
	Expiry         time.Time       `json:"expiry"` // of the provider's access and id tokens
	Claims         Claims          `json:"claims"`
	Platform       *platform.Token `json:"platform,omitempty"` // nil for platform kind "none"
	SignedInAt     time.Time       `json:"signed_in_at"`
	// SessionEnd is when the refresh token dies for good (sign-in time plus
	// the app client's refresh token expiration; rotation keeps this end).
	SessionEnd time.Time `json:"session_end,omitzero"`
}

// Token is the token a tool should send to the platform: the platform's
// access token, or the provider's access token for platform kind "none".
func (s *SignIn) Token() string {
	if s.Platform != nil {
		return s.Platform.AccessToken
	}
	return s.AccessToken
}

// TokenExpiry is when [SignIn.Token] stops being valid.
func (s *SignIn) TokenExpiry() time.Time {
	if s.Platform != nil {
		return s.Platform.Expiry
	}
	return s.Expiry
}

// Binding is who issued a session: the provider, its app client and the
// platform. A saved session is only ever used, refreshed or revoked with
// the binding it was made with.
type Binding struct {
	Issuer, ClientID, PlatformTarget string
}

// Binding returns the binding the session was made with.
func (s *SignIn) Binding() Binding {
	return Binding{Issuer: s.Issuer, ClientID: s.ClientID, PlatformTarget: s.PlatformTarget}
}

// Differences lists, for people, how got differs from b ("issuer X, not
// Y"); nil when they are the same. None of the values is secret.
func (b Binding) Differences(got Binding) []string {
	var d []string
	for _, f := range []struct{ name, want, got string }{
		{"identity provider", b.Issuer, got.Issuer},
		{"app client", b.ClientID, got.ClientID},
		{"platform", b.PlatformTarget, got.PlatformTarget},
	} {
		if f.want != f.got {
			was := f.got
			if was == "" {
				was = "(not recorded)"
			}
			d = append(d, fmt.Sprintf("%s %s, not %s", f.name, was, f.want))
		}
	}
	return d
}
