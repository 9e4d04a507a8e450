// Package session is the saved sign-in: the data one sign-in produced
// (tokens, who, and what issued them), as the keystore keeps it per
// profile. It is data only, with no network or keyring code, so that a
// small program (cmd/ssohelper-token) can read a saved sign-in without
// linking the sign-in machinery.
package session

import (
	"fmt"
	"time"
)

// DefaultMargin is how long before expiry a token is renewed: a token
// with less left is not handed out as it is.
const DefaultMargin = 5 * time.Minute

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
	PlatformTarget string         `json:"platform_target,omitempty"`
	IDToken        string         `json:"id_token"`
	AccessToken    string         `json:"access_token"`
	RefreshToken   string         `json:"refresh_token,omitempty"`
	Expiry         time.Time      `json:"expiry"` // of the provider's access and id tokens
	Claims         Claims         `json:"claims"`
	Platform       *PlatformToken `json:"platform,omitempty"` // nil for platform kind "none"
	SignedInAt     time.Time      `json:"signed_in_at"`
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

// Claims is what ssohelper reads from a verified id_token.
type Claims struct {
	Issuer          string            `json:"iss"`
	Subject         string            `json:"sub"`
	Audience        []string          `json:"aud"`
	AuthorizedParty string            `json:"azp,omitempty"`
	TokenUse        string            `json:"token_use,omitempty"`
	Nonce           string            `json:"-"`
	Username        string            `json:"username,omitempty"`
	Name            string            `json:"name,omitempty"`
	Email           string            `json:"email,omitempty"`
	EmailVerified   bool              `json:"email_verified,omitempty"`
	Groups          []string          `json:"groups,omitempty"`
	Custom          map[string]string `json:"custom,omitempty"`
	IssuedAt        time.Time         `json:"iat"`
	Expiry          time.Time         `json:"exp"`
	AuthTime        time.Time         `json:"auth_time,omitzero"`
}

// DisplayName is the best human name in the claims.
func (c *Claims) DisplayName() string {
	for _, s := range []string{c.Name, c.Username, c.Email, c.Subject} {
		if s != "" {
			return s
		}
	}
	return "(unknown)"
}

// PlatformToken is a platform token (auth/platform.Token).
type PlatformToken struct {
	// AccessToken authorizes platform API calls.
	AccessToken string
	// RefreshToken renews AccessToken through Refresh; it may be empty.
	RefreshToken string
	// TokenType is the type the platform reported, usually "bearer".
	TokenType string
	// Scope is the granted scope, e.g. "site_36_internalApi".
	Scope string
	// JTI is the token's id, safe to log.
	JTI string
	// Expiry is when AccessToken expires; zero means the platform did not say.
	Expiry time.Time
}

// Valid reports whether t has an access token that is still valid margin after now.
// A token without an expiry is valid until the platform rejects it.
func (t *PlatformToken) Valid(now time.Time, margin time.Duration) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || now.Add(margin).Before(t.Expiry)
}
