package platform

import "time"

// Token is a platform token.
type Token struct {
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
func (t *Token) Valid(now time.Time, margin time.Duration) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || now.Add(margin).Before(t.Expiry)
}
