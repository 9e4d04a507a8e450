package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// RevokeTimeout bounds the revocation call of one sign-out.
const RevokeTimeout = 15 * time.Second

// ErrCannotSave means the store cannot save right now (keyring missing,
// locked or slow), so an interactive sign-in was not started: the user
// would have signed in for nothing.
var ErrCannotSave = errors.New("the sign-in could not be saved, so it was not started")

// ErrUnreadable means a saved sign-in exists but cannot be opened now
// (store unreachable or locked, vault key gone). SignOut then deletes
// nothing: its refresh token could not be revoked.
var ErrUnreadable = errors.New("the saved sign-in cannot be opened, so its refresh token cannot be revoked")

// Login is one interactive sign-in (an [auth.Flow] in production).
type Login interface {
	Login(ctx context.Context) (*auth.SignIn, error)
}

// ReadyLogin is a Login that runs the store's check itself, alongside its
// own first steps (auth.Flow.Ready): it shows the user nothing before
// ready has passed, and returns ready's error first. It saves the
// sign-in with keep before it tells the user the outcome (auth.Flow.Keep:
// the browser's page), and returns keep's error.
type ReadyLogin interface {
	LoginReady(ctx context.Context, ready func(context.Context) error, keep func(context.Context, *auth.SignIn) error) (*auth.SignIn, error)
}

// SignIn checks that the store can save (when it can tell: a Store with a
// Ready method), runs l and saves its result. It is "sign in, then save"
// for every front end. A [ReadyLogin] runs the check and the save itself;
// any other Login runs after the check, and its result is saved after it.
func (m *Manager) SignIn(ctx context.Context, l Login) (*auth.SignIn, error) {
	ready := func(context.Context) error { return nil }
	if r, ok := m.Store.(interface{ Ready(context.Context) error }); ok {
		ready = func(ctx context.Context) error {
			if err := r.Ready(ctx); err != nil {
				return fmt.Errorf("%w: %w", ErrCannotSave, err)
			}
			return nil
		}
	}
	if rl, ok := l.(ReadyLogin); ok {
		return rl.LoginReady(ctx, ready, m.Save)
	}
	if err := ready(ctx); err != nil {
		return nil, err
	}
	s, err := l.Login(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.Save(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// SignOutResult says what SignOut did, for the front end to tell the user.
type SignOutResult struct {
	// Gone is the sign-in that was deleted; nil when there was none, or it
	// could not be read.
	Gone *auth.SignIn
	// NotSignedIn: there was nothing to sign out of.
	NotSignedIn bool
	// Unrevoked is why a saved sign-in was deleted without revoking: it was
	// read and found damaged, or it could not be opened and force was set.
	Unrevoked error
	// OtherBinding: the sign-in was made with another issuer or client than
	// the profile names now; it was revoked there.
	OtherBinding bool
	// Revoked: the identity provider revoked the refresh token.
	Revoked bool
	// RevokeErr is why revocation failed (auth.ErrNoRevocation when the
	// provider cannot revoke); the sign-in was deleted anyway.
	RevokeErr error
}

// SignOut is "revoke, then delete" for every front end. It revokes the
// saved refresh token where it was issued (at the provider the sign-in was
// made with, never at one the profile names only now), then deletes the
// saved sign-in, also when revocation failed: the user asked to be signed
// out. A sign-in that cannot be opened is left alone (ErrUnreadable)
// unless force is set; one that was read and found damaged is deleted,
// since nobody can ever revoke what is in it.
func (m *Manager) SignOut(ctx context.Context, force bool) (*SignOutResult, error) {
	res := &SignOutResult{}
	s, err := m.Load(ctx)
	switch {
	case errors.Is(err, ErrDamaged):
		res.Unrevoked = err
	case errors.Is(err, auth.ErrLoginRequired):
		res.NotSignedIn = true
	case err != nil && force:
		res.Unrevoked = err
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	case s.RefreshToken != "":
		m.revoke(ctx, s, res)
	}
	if err := m.Delete(ctx); err != nil {
		return nil, fmt.Errorf("deleting the saved sign-in: %w", err)
	}
	res.Gone = s
	return res, nil
}

// revoke revokes s's refresh token where s was made, recording how it went.
func (m *Manager) revoke(ctx context.Context, s *auth.SignIn, res *SignOutResult) {
	ctx, cancel := context.WithTimeout(ctx, RevokeTimeout)
	defer cancel()
	var r Revoker = m.Provider
	if m.Check(s) != nil && (s.Issuer != m.Binding.Issuer || s.ClientID != m.Binding.ClientID) {
		res.OtherBinding = true
		if m.RevokerAt == nil {
			res.RevokeErr = errors.New("the provider the sign-in was made with is not known here")
			return
		}
		r = m.RevokerAt(s.Issuer, s.ClientID)
	}
	if err := r.Revoke(ctx, s.RefreshToken); err != nil {
		res.RevokeErr = err
		return
	}
	res.Revoked = true
}
