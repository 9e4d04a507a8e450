package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/auth/session"
)

// Store keeps the saved sign-in (the keystore, in production).
type Store interface {
	Get(ctx context.Context, name string) ([]byte, error)
	Put(ctx context.Context, name string, value []byte) error
	Delete(ctx context.Context, name string) error
}

// Provider is the identity provider side: refresh, id_token checks and
// revocation.
type Provider interface {
	Refresh(ctx context.Context, refreshToken string) (*auth.Tokens, error)
	Verify(ctx context.Context, idToken, nonce string) (*auth.Claims, error)
	Revoker
}

// Revoker revokes a refresh token at the identity provider that issued it.
type Revoker interface {
	Revoke(ctx context.Context, refreshToken string) error
}

// Platform is the platform side; nil for platform kind "none".
type Platform interface {
	Exchange(ctx context.Context, idToken string) (*platform.Token, error)
	Refresh(ctx context.Context, refreshToken string) (*platform.Token, error)
}

// ErrNotFound is a store's "no such entry"; the manager turns it into
// [auth.ErrLoginRequired].
var ErrNotFound = errors.New("not found")

// ErrDamaged means the store returned the saved sign-in but it does not
// decode: it was read and is damaged (it also matches
// [auth.ErrLoginRequired]). Only such a sign-in may be deleted without
// revoking its refresh token, which nobody can read any more.
var ErrDamaged = errors.New("the saved sign-in is damaged")

// Defaults for [Manager].
const (
	DefaultMargin      = session.DefaultMargin
	DefaultLockTimeout = 90 * time.Second
)

// ErrOtherBinding means the saved sign-in was made with another identity
// provider, app client or platform than the profile names now (it also
// matches [auth.ErrLoginRequired]). Nothing of it is used or sent.
var ErrOtherBinding = errors.New("the saved sign-in belongs to another provider, client or platform")

// Manager owns one profile's saved sign-in.
type Manager struct {
	Profile string
	// Binding is what the profile names now. A saved sign-in made with
	// another binding is never used or refreshed (ErrOtherBinding).
	Binding  auth.Binding
	Store    Store
	IsAbsent func(error) bool // reports a store's not-found error; nil => errors.Is(err, ErrNotFound)
	// IsDamaged reports a store's "read, and found damaged" error (the
	// keystore's ErrCorrupt); nil => none. See ErrDamaged.
	IsDamaged func(error) bool
	LockDir   string // where the per-profile lock files live
	Provider  Provider
	// RevokerAt returns the provider of another issuer and client, to
	// revoke a saved sign-in made with a binding the profile no longer
	// names. nil => such a sign-in is deleted without revoking.
	RevokerAt func(issuer, clientID string) Revoker
	Platform  Platform      // nil => hand out the provider's access token
	Margin    time.Duration // refresh this long before expiry; default DefaultMargin
	// LockTimeout bounds the wait for another process's refresh; default DefaultLockTimeout.
	LockTimeout time.Duration
	Retry       Backoff
	Now         func() time.Time
	Logger      *slog.Logger
}

// Name is the store entry of a profile's saved sign-in ("session/<profile>",
// the name files have had since the first release).
func Name(profile string) string { return "session/" + profile }

// Load returns the saved sign-in, or an error matching
// [auth.ErrLoginRequired] when there is none.
func (m *Manager) Load(ctx context.Context) (*auth.SignIn, error) {
	b, err := m.Store.Get(ctx, Name(m.Profile))
	if m.absent(err) {
		return nil, fmt.Errorf("%w: profile %s is not signed in; run `ssohelper login`", auth.ErrLoginRequired, m.Profile)
	}
	if err != nil && m.IsDamaged != nil && m.IsDamaged(err) {
		return nil, fmt.Errorf("%w: %w: profile %s (%w); run `ssohelper login`", auth.ErrLoginRequired, ErrDamaged, m.Profile, err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the saved sign-in: %w", err)
	}
	var s auth.SignIn
	if err := json.Unmarshal(b, &s); err != nil {
		// The JSON error may quote the content, which holds tokens: drop it.
		return nil, fmt.Errorf("%w: %w: profile %s; run `ssohelper login`", auth.ErrLoginRequired, ErrDamaged, m.Profile)
	}
	return &s, nil
}

// Save stores s as the profile's saved sign-in. It takes the
// profile's refresh lock, so a refresh running in another process cannot
// overwrite it with the previous one.
func (m *Manager) Save(ctx context.Context, s *auth.SignIn) error {
	unlock, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return m.save(ctx, s)
}

// save stores s; the caller holds the lock.
func (m *Manager) save(ctx context.Context, s *auth.SignIn) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := m.Store.Put(ctx, Name(m.Profile), b); err != nil {
		return fmt.Errorf("saving the sign-in: %w", err)
	}
	return nil
}

// Delete removes the saved sign-in; a missing one is not an
// error. It takes the refresh lock, so a refresh in flight elsewhere
// finishes first instead of bringing the sign-in back afterwards.
func (m *Manager) Delete(ctx context.Context) error {
	unlock, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := m.Store.Delete(ctx, Name(m.Profile)); err != nil && !m.absent(err) {
		return err
	}
	return nil
}

// Check returns an error matching ErrOtherBinding and
// [auth.ErrLoginRequired] when s was made with another provider, client or
// platform than m.Binding.
func (m *Manager) Check(s *auth.SignIn) error {
	if d := m.Binding.Differences(s.Binding()); len(d) > 0 {
		return fmt.Errorf("%w: %w: profile %s was signed in with %s; run `ssohelper login` to sign in with the profile as it is now",
			auth.ErrLoginRequired, ErrOtherBinding, m.Profile, strings.Join(d, ", "))
	}
	return nil
}

// Token returns the saved sign-in, with a token ([auth.SignIn.Token]) is valid for
// at least the margin: the cached one, or a refreshed one. Only one
// process refreshes at a time; the others wait and reuse its result. It
// returns an error matching [auth.ErrLoginRequired] when only a browser
// sign-in can help. A sign-in of another binding is neither handed out
// nor refreshed.
func (m *Manager) Token(ctx context.Context) (*auth.SignIn, error) {
	s, err := m.Load(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.Check(s); err != nil {
		return nil, err
	}
	if m.Platform == nil {
		// The profile hands out the provider's token now (kind "none"),
		// whatever the sign-in was made with.
		s.Platform = nil
	}
	if m.fresh(s) {
		return s, nil
	}
	unlock, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Another process may have refreshed (or signed in) while we waited.
	if s, err = m.Load(ctx); err != nil {
		return nil, err
	}
	if err := m.Check(s); err != nil {
		return nil, err
	}
	if m.fresh(s) {
		m.log().Debug("sign-in refreshed by another process")
		return s, nil
	}
	return m.refresh(ctx, s)
}

// fresh reports whether s's token has more than the margin left.
func (m *Manager) fresh(s *auth.SignIn) bool {
	limit := m.now().Add(m.margin())
	if m.Platform != nil {
		return s.Platform != nil && s.Platform.AccessToken != "" && s.Platform.Expiry.After(limit)
	}
	return s.AccessToken != "" && s.Expiry.After(limit)
}

func (m *Manager) absent(err error) bool {
	if err == nil {
		return false
	}
	if m.IsAbsent != nil {
		return m.IsAbsent(err)
	}
	return errors.Is(err, ErrNotFound)
}

func (m *Manager) margin() time.Duration {
	if m.Margin > 0 {
		return m.Margin
	}
	return DefaultMargin
}

func (m *Manager) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m *Manager) log() *slog.Logger {
	if m.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Logger
}
