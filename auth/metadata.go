package auth

import (
	"context"
	"net/http"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
)

// metadataFor returns the provider metadata of p: its explicit endpoints
// when it has them, else discovery through d.
func metadataFor(ctx context.Context, p config.Profile, d *Discoverer) (*Metadata, error) {
	if e := p.Endpoints; e.Authorization != "" {
		m := &Metadata{
			Issuer: p.IssuerURL(), AuthorizationEndpoint: e.Authorization, TokenEndpoint: e.Token,
			JWKSURI: e.JWKS, UserInfoEndpoint: e.UserInfo, RevocationEndpoint: e.Revocation, EndSessionEndpoint: e.Logout,
		}
		fillCognitoEndpoints(m)
		return m, nil
	}
	return d.Discover(ctx, p.IssuerURL())
}

// verifierFor builds the id_token verifier for the provider and profile.
func verifierFor(m *Metadata, p config.Profile, hc *http.Client, now func() time.Time) (*Verifier, error) {
	return NewVerifier(VerifierConfig{
		Issuer: m.Issuer, ClientID: p.ClientID, JWKSURL: m.JWKSURI,
		Cognito: p.IsCognito(), HTTP: hc, Now: now,
	})
}
