package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/ssohelper/ssohelper/auth/config"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Provider is the identity provider side of a stored session: refresh,
// verification, revocation and sign-out. It resolves the provider metadata
// lazily, so a caller that finds a valid cached token never touches the
// network.
type Provider struct {
	Profile      config.Profile
	ClientSecret string // confidential app clients only
	HTTP         *http.Client
	Discoverer   *Discoverer // nil => a private one
	Now          func() time.Time

	mu       sync.Mutex
	meta     *Metadata
	verifier *Verifier
}

// Metadata returns the provider metadata, resolved once.
func (p *Provider) Metadata(ctx context.Context) (*Metadata, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.meta != nil {
		return p.meta, nil
	}
	if p.Discoverer == nil {
		p.Discoverer = &Discoverer{HTTP: p.HTTP}
	}
	m, err := metadataFor(ctx, p.Profile, p.Discoverer)
	if err != nil {
		return nil, err
	}
	p.meta = m
	return m, nil
}

// Refresh redeems refreshToken (grant_type=refresh_token, RFC 6749 section
// 6). When the provider rotates refresh tokens, the answer carries the new
// one; otherwise Tokens.RefreshToken is refreshToken again. An invalid,
// expired or revoked refresh token matches [ErrLoginRequired].
func (p *Provider) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	m, err := p.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	oc := oauthConfig(m, p.Profile.ClientID, p.ClientSecret, "", p.Profile.Scopes)
	ctx = context.WithValue(ctx, oauth2.HTTPClient, wholeAnswers(httpClient(p.HTTP)))
	tok, err := oc.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, tokenError("refresh", err, refreshToken, p.ClientSecret)
	}
	return tokensFrom(tok, "refresh")
}

// Verify checks an id_token from this provider. Tokens from a refresh carry
// no nonce: pass "".
func (p *Provider) Verify(ctx context.Context, idToken, nonce string) (*Claims, error) {
	v, err := p.idVerifier(ctx)
	if err != nil {
		return nil, err
	}
	return v.Verify(ctx, idToken, nonce)
}

// idVerifier returns the provider's verifier, built once.
func (p *Provider) idVerifier(ctx context.Context) (*Verifier, error) {
	m, err := p.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.verifier == nil {
		if p.verifier, err = verifierFor(m, p.Profile, p.HTTP, p.Now); err != nil {
			return nil, err
		}
	}
	return p.verifier, nil
}

// prefetchKeys fetches the provider's signing keys ahead of [Provider.Verify]
// (see [keySet.prefetch]). A failure is only logged: Verify fetches again
// and reports it.
func (p *Provider) prefetchKeys(ctx context.Context, log *slog.Logger) {
	v, err := p.idVerifier(ctx)
	if err == nil {
		err = v.keys.prefetch(ctx)
	}
	if err != nil {
		log.Debug("signing keys not fetched ahead; verification fetches them", "err", err)
		return
	}
	log.Debug("signing keys fetched ahead")
}

// ErrNoRevocation means the provider has no revocation endpoint.
var ErrNoRevocation = errors.New("the identity provider has no revocation endpoint")

// Revoke revokes a refresh token and the tokens it issued (RFC 7009;
// Cognito's /oauth2/revoke). A token the provider no longer knows is not
// an error: the goal, a dead token, is reached.
func (p *Provider) Revoke(ctx context.Context, refreshToken string) error {
	m, err := p.Metadata(ctx)
	if err != nil {
		return err
	}
	if m.RevocationEndpoint == "" {
		return ErrNoRevocation
	}
	form := url.Values{"token": {refreshToken}, "token_type_hint": {"refresh_token"}}
	if p.ClientSecret == "" {
		form.Set("client_id", p.Profile.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.RevocationEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if p.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(p.Profile.ClientID), url.QueryEscape(p.ClientSecret))
	}
	resp, err := httpClient(p.HTTP).Do(req)
	if err != nil {
		// net/http quotes a malformed answer, which may echo what was sent.
		return tokenError("revoke", err, refreshToken, p.ClientSecret)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	te := &TokenError{Op: "revoke", Status: resp.StatusCode}
	code, desc := oauthErrorBody(body)
	if code == "invalid_grant" || code == "invalid_token" {
		return nil
	}
	te.Code, te.Description = sanitize.Redact(code, refreshToken, p.ClientSecret), sanitize.Redact(desc, refreshToken, p.ClientSecret)
	if code == "invalid_request" && p.Profile.IsCognito() {
		// The request is well formed: Cognito says this when token
		// revocation is off for the app client.
		return fmt.Errorf("%w: %w", ErrRevocationOff, te)
	}
	return te
}

// ErrRevocationOff means the provider refused to revoke because token
// revocation is turned off for the app client (Cognito answers
// invalid_request then).
var ErrRevocationOff = errors.New("token revocation is turned off for this app client (Cognito: App client > Advanced security settings > Enable token revocation)")

// LogoutURL is the address that ends the provider's browser session, so the
// next sign-in can pick another account: Cognito's
// /logout?client_id=…&logout_uri=… (logoutURI must be a registered sign-out
// URL). It is "" when the provider has no such endpoint.
func (p *Provider) LogoutURL(ctx context.Context, logoutURI string) (string, error) {
	m, err := p.Metadata(ctx)
	if err != nil || m.EndSessionEndpoint == "" {
		return "", err
	}
	q := url.Values{"client_id": {p.Profile.ClientID}}
	if logoutURI != "" {
		if p.Profile.IsCognito() {
			q.Set("logout_uri", logoutURI)
		} else {
			q.Set("post_logout_redirect_uri", logoutURI)
		}
	}
	return m.EndSessionEndpoint + "?" + q.Encode(), nil
}
