package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"

	"golang.org/x/oauth2"
)

// authRequest holds the one-time secrets of a single sign-in attempt.
type authRequest struct {
	state    string // CSRF binding of the callback (RFC 6749 section 10.12)
	nonce    string // replay binding of the id_token (OIDC Core section 3.1.2.1)
	verifier string // PKCE code verifier (RFC 7636)
}

func newAuthRequest() (authRequest, error) {
	state, err := randomString(32)
	if err != nil {
		return authRequest{}, err
	}
	nonce, err := randomString(32)
	if err != nil {
		return authRequest{}, err
	}
	return authRequest{state: state, nonce: nonce, verifier: oauth2.GenerateVerifier()}, nil
}

// options are the authorize-URL parameters: PKCE S256 always (Cognito does
// not advertise code_challenge_methods_supported but honours it) and nonce.
// A request for offline_access also asks for consent, without which OpenID
// Connect providers grant no refresh token (OIDC Core section 11).
func (r authRequest) options(scopes []string) []oauth2.AuthCodeOption {
	opts := []oauth2.AuthCodeOption{
		oauth2.S256ChallengeOption(r.verifier),
		oauth2.SetAuthURLParam("nonce", r.nonce),
	}
	if slices.Contains(scopes, "offline_access") {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "consent"))
	}
	return opts
}

// randomString returns n bytes from crypto/rand, base64url encoded.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
