package auth

import (
	"time"

	"github.com/ssohelper/ssohelper/auth/platform"
)

// Session is everything one sign-in produced. It is what the keystore saves
// per profile; it holds secrets and must never be logged or printed whole.
type Session struct {
	Profile      string          `json:"profile"`
	Issuer       string          `json:"issuer"`
	ClientID     string          `json:"client_id"`
	IDToken      string          `json:"id_token"`
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token,omitempty"`
	Expiry       time.Time       `json:"expiry"` // of the provider's access and id tokens
	Claims       Claims          `json:"claims"`
	Platform     *platform.Token `json:"platform,omitempty"` // nil for platform kind "none"
	SignedInAt   time.Time       `json:"signed_in_at"`
	// SessionEnd is when the refresh token dies for good (sign-in time plus
	// the app client's refresh token expiration; rotation keeps this end).
	SessionEnd time.Time `json:"session_end,omitzero"`
}

// Token is the token a tool should send to the platform: the platform's
// access token, or the provider's access token for platform kind "none".
func (s *Session) Token() string {
	if s.Platform != nil {
		return s.Platform.AccessToken
	}
	return s.AccessToken
}

// TokenExpiry is when [Session.Token] stops being valid.
func (s *Session) TokenExpiry() time.Time {
	if s.Platform != nil {
		return s.Platform.Expiry
	}
	return s.Expiry
}
