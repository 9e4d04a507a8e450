package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// refresh runs the chain: platform refresh token, then the provider's
// refresh token and a new platform exchange, else "sign-in required".
// The caller holds the profile lock.
func (m *Manager) refresh(ctx context.Context, s *auth.SignIn) (*auth.SignIn, error) {
	log := m.log()
	if m.Platform != nil && s.Platform != nil && s.Platform.RefreshToken != "" {
		pt, err := retry(ctx, m.Retry, func() (*platform.Token, error) {
			return m.Platform.Refresh(ctx, s.Platform.RefreshToken)
		})
		if err == nil {
			log.Debug("platform token refreshed")
			s.Platform = pt
			return s, m.save(ctx, s)
		}
		if !errors.Is(err, platform.ErrInvalidGrant) {
			return nil, err
		}
		log.Debug("platform refresh token no longer valid; using the identity provider's")
	}
	if s.RefreshToken == "" {
		return nil, fmt.Errorf("%w: the sign-in of profile %s has expired and cannot be renewed; run `ssohelper login`", auth.ErrLoginRequired, m.Profile)
	}
	toks, err := retry(ctx, m.Retry, func() (*auth.Tokens, error) {
		return m.Provider.Refresh(ctx, s.RefreshToken)
	})
	if errors.Is(err, auth.ErrLoginRequired) {
		return nil, fmt.Errorf("%w: the identity provider ended the sign-in of profile %s; run `ssohelper login`", auth.ErrLoginRequired, m.Profile)
	}
	if err != nil {
		return nil, err
	}
	// A rotated refresh token replaces the old one, which may die within
	// seconds: store it before anything else can fail, even when ctx
	// ended meanwhile (Ctrl-C, shutdown): the provider has retired the old
	// one already. The store bounds its own keyring calls.
	if toks.RefreshToken != "" && toks.RefreshToken != s.RefreshToken {
		s.RefreshToken = toks.RefreshToken
		if err := m.save(context.WithoutCancel(ctx), s); err != nil {
			return nil, fmt.Errorf("keeping the rotated refresh token: %w", err)
		}
		log.Debug("rotated refresh token stored")
	}
	claims, err := m.Provider.Verify(ctx, toks.IDToken, "")
	if err != nil {
		return nil, err
	}
	if claims.Subject != s.Claims.Subject || claims.Issuer != s.Claims.Issuer {
		return nil, fmt.Errorf("%w: the renewed sign-in of profile %s belongs to another user; run `ssohelper login`", auth.ErrLoginRequired, m.Profile)
	}
	fresh := *claims
	// A refreshed id_token may lack what sign-in took from userinfo (name,
	// email, for display only): keep those rather than lose them.
	if fresh.Email == "" {
		fresh.Email = s.Claims.Email
	}
	if fresh.Name == "" {
		fresh.Name = s.Claims.Name
	}
	s.IDToken, s.AccessToken, s.Expiry, s.Claims = toks.IDToken, toks.AccessToken, toks.Expiry, fresh
	log.Debug("identity provider tokens refreshed")
	if m.Platform != nil {
		pt, err := retry(ctx, m.Retry, func() (*platform.Token, error) {
			return m.Platform.Exchange(ctx, toks.IDToken)
		})
		if err != nil {
			// Keep the fresh provider tokens even when the platform fails.
			if serr := m.save(ctx, s); serr != nil {
				return nil, errors.Join(err, serr)
			}
			return nil, err // a *platform.Error names the platform step itself
		}
		s.Platform = pt
		log.Debug("platform token re-provisioned")
	}
	return s, m.save(ctx, s)
}
