package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// readyStore is a memStore that can say it cannot save.
type readyStore struct {
	*memStore
	readyErr error
}

func (s *readyStore) Ready(context.Context) error { return s.readyErr }

// loginFunc adapts a function to Login.
type loginFunc func(ctx context.Context) (*auth.SignIn, error)

func (f loginFunc) Login(ctx context.Context) (*auth.SignIn, error) { return f(ctx) }

func TestSignIn(t *testing.T) {
	errKeyring := errors.New("keyring locked")
	errBrowser := errors.New("browser closed")
	tests := []struct {
		name      string
		readyErr  error
		loginErr  error
		want      error
		wantLogin bool // the interactive sign-in ran
		wantSaved bool
	}{
		{name: "signed in and saved", wantLogin: true, wantSaved: true},
		{name: "store cannot save: no browser", readyErr: errKeyring, want: ErrCannotSave},
		{name: "sign-in fails: nothing saved", loginErr: errBrowser, want: errBrowser, wantLogin: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &readyStore{memStore: newStore(), readyErr: tt.readyErr}
			m := newManager(t, st.memStore, &fakeProvider{}, nil, &sleeps{})
			m.Store = st
			ran := false
			s, err := m.SignIn(context.Background(), loginFunc(func(context.Context) (*auth.SignIn, error) {
				ran = true
				if tt.loginErr != nil {
					return nil, tt.loginErr
				}
				return storedSession(time.Hour, dur(time.Hour)), nil
			}))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (s != nil) {
				t.Errorf("got %v, %v; want %v", s, err, tt.want)
			}
			if ran != tt.wantLogin {
				t.Errorf("sign-in ran = %v; want %v", ran, tt.wantLogin)
			}
			if saved := st.current("dev") != nil; saved != tt.wantSaved {
				t.Errorf("saved = %v; want %v", saved, tt.wantSaved)
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	errBus := errors.New("dbus: no session bus")
	errDamagedFile := errors.New("file damaged")
	errOffline := errors.New("connection refused")
	tests := []struct {
		name      string
		stored    *auth.SignIn // nil: nothing stored
		raw       []byte       // stored instead of stored, when set
		getErr    error
		force     bool
		revokeErr error
		binding   func(*auth.Binding) // what the profile names now
		want      error
		wantKept  bool
		wantAt    string // "profile", "recorded" or "" (no revocation)
		check     func(t *testing.T, r *SignOutResult)
	}{
		{name: "revoked, then deleted", stored: storedSession(time.Hour, nil), wantAt: "profile",
			check: func(t *testing.T, r *SignOutResult) {
				if !r.Revoked || r.Gone == nil {
					t.Errorf("result %+v; want revoked and gone", r)
				}
			}},
		{name: "not signed in", check: func(t *testing.T, r *SignOutResult) {
			if !r.NotSignedIn {
				t.Errorf("result %+v; want NotSignedIn", r)
			}
		}},
		{name: "revocation fails: deleted anyway", stored: storedSession(time.Hour, nil), revokeErr: errOffline, wantAt: "profile",
			check: func(t *testing.T, r *SignOutResult) {
				if !errors.Is(r.RevokeErr, errOffline) || r.Revoked {
					t.Errorf("result %+v; want the revocation error", r)
				}
			}},
		{name: "no refresh token: nothing to revoke", stored: func() *auth.SignIn { s := storedSession(time.Hour, nil); s.RefreshToken = ""; return s }()},
		{name: "damaged JSON: deleted unrevoked", raw: []byte("{not json"),
			check: func(t *testing.T, r *SignOutResult) {
				if !errors.Is(r.Unrevoked, ErrDamaged) {
					t.Errorf("result %+v; want Unrevoked ErrDamaged", r)
				}
			}},
		{name: "damaged file: deleted unrevoked", stored: storedSession(time.Hour, nil), getErr: errDamagedFile,
			check: func(t *testing.T, r *SignOutResult) {
				if !errors.Is(r.Unrevoked, ErrDamaged) || !errors.Is(r.Unrevoked, errDamagedFile) {
					t.Errorf("result %+v; want Unrevoked ErrDamaged", r)
				}
			}},
		{name: "unreadable store: nothing deleted", stored: storedSession(time.Hour, nil), getErr: errBus, want: ErrUnreadable, wantKept: true},
		{name: "unreadable store, forced: deleted unrevoked", stored: storedSession(time.Hour, nil), getErr: errBus, force: true,
			check: func(t *testing.T, r *SignOutResult) {
				if !errors.Is(r.Unrevoked, errBus) {
					t.Errorf("result %+v; want Unrevoked with the store's error", r)
				}
			}},
		{name: "made with another issuer: revoked there", stored: storedSession(time.Hour, nil),
			binding: func(b *auth.Binding) { b.Issuer = "https://new.example" }, wantAt: "recorded",
			check: func(t *testing.T, r *SignOutResult) {
				if !r.OtherBinding || !r.Revoked {
					t.Errorf("result %+v; want OtherBinding and revoked", r)
				}
			}},
		{name: "only the platform changed: revoked at the profile's provider", stored: storedSession(time.Hour, nil),
			binding: func(b *auth.Binding) { b.PlatformTarget = "none" }, wantAt: "profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore()
			if tt.stored != nil {
				st.seed(t, "dev", tt.stored)
			}
			if tt.raw != nil {
				st.data[Name("dev")] = tt.raw
			}
			prov := &fakeProvider{revokeErr: tt.revokeErr}
			m := newManager(t, st, prov, nil, &sleeps{})
			if tt.getErr != nil {
				st.getErr = tt.getErr
				m.IsDamaged = func(err error) bool { return errors.Is(err, errDamagedFile) }
			}
			if tt.binding != nil {
				tt.binding(&m.Binding)
			}
			var at []string
			recorded := &fakeRevoker{}
			m.RevokerAt = func(issuer, clientID string) Revoker {
				at = append(at, issuer, clientID)
				return recorded
			}
			res, err := m.SignOut(context.Background(), tt.force)
			st.getErr = nil
			if !errors.Is(err, tt.want) || (tt.want == nil) != (res != nil) {
				t.Fatalf("got %+v, %v; want %v", res, err, tt.want)
			}
			if kept := st.current("dev") != nil || st.data[Name("dev")] != nil; kept != tt.wantKept {
				t.Errorf("saved sign-in kept = %v; want %v", kept, tt.wantKept)
			}
			switch tt.wantAt {
			case "":
				if len(prov.revokeArgs)+len(recorded.args) != 0 {
					t.Errorf("revocations %v, %v; want none", prov.revokeArgs, recorded.args)
				}
			case "profile":
				if len(prov.revokeArgs) != 1 || prov.revokeArgs[0] != "rt-1" || len(recorded.args) != 0 {
					t.Errorf("revoked at the profile's provider %v, elsewhere %v; want rt-1 once at the profile's", prov.revokeArgs, recorded.args)
				}
			case "recorded":
				if len(recorded.args) != 1 || recorded.args[0] != "rt-1" || len(prov.revokeArgs) != 0 ||
					len(at) != 2 || at[0] != devBinding.Issuer || at[1] != devBinding.ClientID {
					t.Errorf("revoked at %v with %v, at the profile's %v; want rt-1 once at the recorded issuer and client", at, recorded.args, prov.revokeArgs)
				}
			}
			if tt.check != nil && res != nil {
				tt.check(t, res)
			}
		})
	}
}

// TestRefreshKeepsUserInfoClaims: a refresh whose id_token has no name or
// email keeps those that sign-in took from userinfo.
func TestRefreshKeepsUserInfoClaims(t *testing.T) {
	st := newStore()
	stored := storedSession(-time.Hour, nil)
	stored.Claims.Name, stored.Claims.Email = "Ana Example", "ana@userinfo.example"
	st.seed(t, "dev", stored)
	prov := &fakeProvider{script: []provAnswer{provToks("2", "")}, noDisplayClaims: true}
	m := newManager(t, st, prov, nil, &sleeps{})
	s, err := m.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.IDToken != "id-2" || s.Claims.Name != "Ana Example" || s.Claims.Email != "ana@userinfo.example" {
		t.Errorf("after refresh: id %q, name %q, email %q; want id-2 and the sign-in's name and email", s.IDToken, s.Claims.Name, s.Claims.Email)
	}
	if saved := st.current("dev"); saved.Claims.Name != "Ana Example" {
		t.Errorf("saved name %q; want it kept", saved.Claims.Name)
	}
}
