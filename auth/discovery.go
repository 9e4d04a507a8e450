package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// ErrDiscovery reports that the provider's metadata could not be read or is
// not usable. The wrapped message names the URL and what to check.
var ErrDiscovery = errors.New("provider discovery failed")

// Metadata is the subset of OpenID provider metadata ssohelper uses
// (OpenID Connect Discovery 1.0, section 3).
type Metadata struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	UserInfoEndpoint      string `json:"userinfo_endpoint,omitempty"`
	RevocationEndpoint    string `json:"revocation_endpoint,omitempty"`
	EndSessionEndpoint    string `json:"end_session_endpoint,omitempty"`
}

// Discoverer fetches provider metadata and caches it per issuer for the life
// of the process (one run of the CLI, or one tray session).
type Discoverer struct {
	// HTTP is the client used for the request; it must carry a timeout.
	HTTP *http.Client

	mu    sync.Mutex
	cache map[string]*Metadata
}

// Discover returns the metadata of issuer. The document's "issuer" must equal
// issuer exactly (OpenID Connect Discovery 1.0, section 4.3), and the
// authorization, token and JWKS endpoints must be present.
func (d *Discoverer) Discover(ctx context.Context, issuer string) (*Metadata, error) {
	d.mu.Lock()
	if m, ok := d.cache[issuer]; ok {
		d.mu.Unlock()
		return m, nil
	}
	d.mu.Unlock()

	m, err := d.fetch(ctx, issuer)
	if err != nil {
		return nil, err
	}
	fillCognitoEndpoints(m)
	if err := m.check(issuer); err != nil {
		return nil, err
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cache == nil {
		d.cache = map[string]*Metadata{}
	}
	d.cache[issuer] = m
	return m, nil
}

func (d *Discoverer) fetch(ctx context.Context, issuer string) (*Metadata, error) {
	// OpenID Connect Discovery 1.0, section 4: the issuer without its
	// trailing slash, then the well-known path; the answer's issuer must
	// still equal the configured one exactly, slash and all.
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: bad issuer URL %q: %v", ErrDiscovery, issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient(d.HTTP).Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v (check the issuer and your network)", ErrDiscovery, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: reading the response: %v", ErrDiscovery, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		what := "check the user pool id, region or issuer URL"
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			what = "the identity provider is unavailable; try again later"
		}
		return nil, fmt.Errorf("%w: %s answered %s (%s)", ErrDiscovery, u, sanitize.Text(resp.Status), what)
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: not a JSON metadata document: %v", ErrDiscovery, u, err)
	}
	if m.Issuer != issuer {
		return nil, fmt.Errorf("%w: %s names issuer %q, want %q (the issuer in the profile must match it exactly, character for character, a trailing slash included)", ErrDiscovery, u, sanitize.Redact(m.Issuer), issuer)
	}
	if m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" || m.JWKSURI == "" {
		return nil, fmt.Errorf("%w: %s lacks authorization_endpoint, token_endpoint or jwks_uri", ErrDiscovery, u)
	}
	return &m, nil
}

// check applies the config file's URL rule to every endpoint: https unless
// the host is loopback, http(s) only, no credentials. A provider that names
// one such endpoint is refused whole.
func (m *Metadata) check(issuer string) error {
	for _, e := range []struct{ name, url string }{
		{"authorization_endpoint", m.AuthorizationEndpoint}, {"token_endpoint", m.TokenEndpoint},
		{"jwks_uri", m.JWKSURI}, {"userinfo_endpoint", m.UserInfoEndpoint},
		{"revocation_endpoint", m.RevocationEndpoint}, {"end_session_endpoint", m.EndSessionEndpoint},
	} {
		if e.url == "" {
			continue
		}
		if msg := config.CheckEndpoint(e.url); msg != "" {
			return fmt.Errorf("%w: the discovery document of %s names an unsafe %s: %s; the provider is not used (its administrator must fix it)",
				ErrDiscovery, issuer, e.name, msg)
		}
	}
	return nil
}

// fillCognitoEndpoints adds the endpoints Cognito serves but does not
// advertise: /oauth2/revoke and /logout live beside /oauth2/authorize on the
// user pool domain.
func fillCognitoEndpoints(m *Metadata) {
	base, ok := strings.CutSuffix(m.AuthorizationEndpoint, "/oauth2/authorize")
	if !ok {
		return
	}
	if _, err := url.Parse(base); err != nil {
		return
	}
	if m.RevocationEndpoint == "" {
		m.RevocationEndpoint = base + "/oauth2/revoke"
	}
	if m.EndSessionEndpoint == "" {
		m.EndSessionEndpoint = base + "/logout"
	}
}
