package auth

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// ErrInvalidIDToken is wrapped by every [*VerifyError].
var ErrInvalidIDToken = errors.New("the id_token is not valid")

// VerifyError says why an id_token was refused. It never holds the token.
type VerifyError struct {
	Reason string
	Err    error
}

func (e *VerifyError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("id_token refused: %s: %v", e.Reason, e.Err)
	}
	return "id_token refused: " + e.Reason
}

// Unwrap lets errors.Is match [ErrInvalidIDToken] and the cause.
func (e *VerifyError) Unwrap() []error { return []error{ErrInvalidIDToken, e.Err} }

// DefaultSkew is the clock skew allowed on exp, iat and nbf.
const DefaultSkew = 2 * time.Minute

// VerifierConfig configures a [Verifier]. Issuer, ClientID and JWKSURL are
// required: a verifier that checks nothing cannot be built.
type VerifierConfig struct {
	Issuer   string // MUST equal the token's iss.
	ClientID string // MUST be in the token's aud.
	JWKSURL  string
	// Cognito requires token_use = "id" (Cognito also signs access tokens
	// with the same keys; one must never pass for the other).
	Cognito bool
	HTTP    *http.Client
	Skew    time.Duration    // default DefaultSkew
	Now     func() time.Time // default time.Now
}

// Verifier checks id_tokens: RS256 signature against the provider's JWKS,
// iss, aud, exp, iat, nonce and, for Cognito, token_use. None of these checks
// can be switched off.
type Verifier struct {
	cfg  VerifierConfig
	keys *keySet
}

// NewVerifier returns a verifier for cfg.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.JWKSURL == "" {
		return nil, errors.New("verifier: issuer, client id and JWKS URL are all required")
	}
	if cfg.Skew == 0 {
		cfg.Skew = DefaultSkew
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Verifier{cfg: cfg, keys: &keySet{url: cfg.JWKSURL, http: cfg.HTTP, now: cfg.Now}}, nil
}

// Verify checks raw and returns its claims. nonce is the value sent in the
// authorize request; it must be echoed exactly. Pass "" only for tokens from
// a refresh, which carry no nonce of ours.
func (v *Verifier) Verify(ctx context.Context, raw, nonce string) (*Claims, error) {
	msg, err := jws.Parse([]byte(raw))
	if err != nil || len(msg.Signatures()) != 1 {
		return nil, &VerifyError{Reason: "not a signed JWT"}
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	if alg, _ := hdr.Algorithm(); alg != jwa.RS256() {
		return nil, &VerifyError{Reason: fmt.Sprintf("algorithm %q is not allowed, only RS256", alg.String())}
	}
	kid, ok := hdr.KeyID()
	if !ok || kid == "" {
		return nil, &VerifyError{Reason: "no kid in the header"}
	}
	key, err := v.keys.key(ctx, kid)
	if err != nil {
		return nil, &VerifyError{Reason: "signing key not found", Err: err}
	}
	opts := []jwt.ParseOption{
		jwt.WithKey(jwa.RS256(), key),
		jwt.WithIssuer(v.cfg.Issuer),
		jwt.WithAudience(v.cfg.ClientID),
		jwt.WithAcceptableSkew(v.cfg.Skew),
		jwt.WithClock(jwt.ClockFunc(v.cfg.Now)),
		jwt.WithRequiredClaim("exp"),
		jwt.WithRequiredClaim("iat"),
		jwt.WithRequiredClaim("sub"),
	}
	if v.cfg.Cognito {
		opts = append(opts, jwt.WithClaimValue("token_use", "id"))
	}
	if _, err := jwt.Parse([]byte(raw), opts...); err != nil {
		reason := "validation failed"
		if errors.Is(err, jwt.InvalidIssuedAtError()) || errors.Is(err, jwt.TokenNotYetValidError()) {
			reason = clockReason
		}
		return nil, &VerifyError{Reason: reason, Err: err}
	}
	c, err := decodeClaims(raw)
	if err != nil {
		return nil, &VerifyError{Reason: "unreadable claims", Err: err}
	}
	// OIDC Core 3.1.3.7 (3, 4, 5): with several audiences the token must
	// name us as its authorized party, and any azp must be us.
	if (len(c.Audience) > 1 || c.AuthorizedParty != "") && c.AuthorizedParty != v.cfg.ClientID {
		return nil, &VerifyError{Reason: "the token was issued to another party (azp)"}
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return nil, &VerifyError{Reason: "nonce does not match the sign-in request (possible replay)"}
	}
	if iat := c.IssuedAt; iat.After(v.cfg.Now().Add(v.cfg.Skew)) {
		return nil, &VerifyError{Reason: clockReason}
	}
	return c, nil
}

// clockReason is why a token that is not valid yet is refused: this
// computer's clock is behind the provider's by more than the skew.
const clockReason = "issued in the future: this computer's clock is behind the identity provider's; " +
	"set the clock right (turn on automatic date and time) and try again"

// decodeClaims reads the payload of an already verified JWT.
func decodeClaims(raw string) (*Claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return parseClaims(payload)
}
