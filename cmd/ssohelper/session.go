package main

import (
	"context"
	"errors"
	"path/filepath"
	"sync"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/auth/session"
	"github.com/ssohelper/ssohelper/keystore"
)

// manager wires the session manager of p. Nothing here touches the
// network or reads a secret: the provider and platform clients are built on
// first use, so a valid cached token costs one store read.
func (a *app) manager(p config.Profile) (*session.Manager, *keystore.Store, error) {
	st, err := a.store()
	if err != nil {
		return nil, nil, err
	}
	m := &session.Manager{
		Profile:  p.Name,
		Binding:  auth.Binding{Issuer: p.IssuerURL(), ClientID: p.ClientID, PlatformTarget: p.Platform.Target()},
		Store:    st,
		IsAbsent: func(err error) bool { return errors.Is(err, keystore.ErrNotFound) },
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
		prov := &auth.Provider{Profile: l.p, HTTP: l.a.env.HTTP, Now: l.a.env.Now}
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
