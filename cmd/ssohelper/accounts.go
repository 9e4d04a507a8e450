package main

import (
	"context"
	"errors"
	"path/filepath"
	"sync"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/keystore"
)

// manager wires the account manager of p: the use-case layer for its
// saved sign-in. Nothing here touches the network or reads a secret: the
// provider and platform clients are built on first use, so a valid cached
// token costs one store read.
func (a *app) manager(p config.Profile) (*account.Manager, *keystore.Store, error) {
	st, err := a.store()
	if err != nil {
		return nil, nil, err
	}
	m := &account.Manager{
		Profile:   p.Name,
		Binding:   auth.Binding{Issuer: p.IssuerURL(), ClientID: p.ClientID, PlatformTarget: p.Platform.Target()},
		Store:     st,
		IsAbsent:  func(err error) bool { return errors.Is(err, keystore.ErrNotFound) },
		IsDamaged: func(err error) bool { return errors.Is(err, keystore.ErrCorrupt) },
		// A sign-in made with another issuer or client is revoked there,
		// as a public client (the profile's secret belongs to its own client).
		RevokerAt: func(issuer, clientID string) account.Revoker {
			return &lazyProvider{a: a, p: config.Profile{Name: p.Name, Issuer: issuer, ClientID: clientID}.WithDefaults()}
		},
		LockDir:  filepath.Join(a.env.DataDir, "locks"),
		Provider: &lazyProvider{a: a, p: p},
		Now:      a.env.Now,
		Logger:   a.logger(),
	}
	if p.Platform.Kind == config.KindEncodify {
		m.Platform = &lazyPlatform{a: a, p: p}
	}
	return m, st, nil
}

// lazyProvider builds the auth.Provider, reading the client secret of a
// confidential app client, on first use.
type lazyProvider struct {
	a    *app
	p    config.Profile
	once sync.Once
	prov *auth.Provider
	err  error
}

func (l *lazyProvider) get(ctx context.Context) (*auth.Provider, error) {
	l.once.Do(func() {
		prov := &auth.Provider{Profile: l.p, HTTP: l.a.httpFor(l.p), Now: l.a.env.Now}
		if l.p.Confidential {
			prov.ClientSecret, l.err = l.a.secret(ctx, l.p, "client")
		}
		l.prov = prov
	})
	return l.prov, l.err
}

func (l *lazyProvider) Refresh(ctx context.Context, rt string) (*auth.Tokens, error) {
	p, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return p.Refresh(ctx, rt)
}

func (l *lazyProvider) Verify(ctx context.Context, idToken, nonce string) (*auth.Claims, error) {
	p, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return p.Verify(ctx, idToken, nonce)
}

func (l *lazyProvider) Revoke(ctx context.Context, refreshToken string) error {
	p, err := l.get(ctx)
	if err != nil {
		return err
	}
	return p.Revoke(ctx, refreshToken)
}

// lazyPlatform builds the platform client, reading its secret, on first use.
type lazyPlatform struct {
	a    *app
	p    config.Profile
	once sync.Once
	enc  *platform.Encodify
	err  error
}

func (l *lazyPlatform) get(ctx context.Context) (*platform.Encodify, error) {
	l.once.Do(func() { l.enc, l.err = l.a.exchanger(ctx, l.p) })
	return l.enc, l.err
}

func (l *lazyPlatform) Exchange(ctx context.Context, idToken string) (*platform.Token, error) {
	e, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return e.Exchange(ctx, idToken)
}

func (l *lazyPlatform) Refresh(ctx context.Context, rt string) (*platform.Token, error) {
	e, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return e.Refresh(ctx, rt)
}
