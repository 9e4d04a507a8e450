package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// errKeyMissing stands in for a keystore's own not-found error.
var errKeyMissing = errors.New("keystore: secret not found")

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name        string
		raw         []byte // stored bytes; nil => nothing stored
		notFound    error  // the store's not-found error
		getErr      error
		isAbsent    func(error) bool
		wantLogin   bool   // errors.Is(err, auth.ErrLoginRequired)
		wantDamaged bool   // errors.Is(err, ErrDamaged): read, and found damaged
		wantText    string // in the message
	}{
		{name: "missing", wantLogin: true, wantText: "`ssohelper login`"},
		{name: "missing, IsAbsent hook", notFound: errKeyMissing,
			isAbsent: func(err error) bool { return errors.Is(err, errKeyMissing) }, wantLogin: true, wantText: "`ssohelper login`"},
		{name: "store's not-found without a hook is a read error", notFound: errKeyMissing,
			wantText: "reading the saved sign-in"},
		{name: "hook replaces ErrNotFound", isAbsent: func(err error) bool { return errors.Is(err, errKeyMissing) },
			wantText: "reading the saved sign-in"},
		{name: "store broken", getErr: errors.New("dbus: no session bus"), wantText: "no session bus"},
		{name: "damaged", raw: []byte(`{"refresh_token": "rt-s3cret", not json`), wantLogin: true, wantDamaged: true, wantText: "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore()
			st.notFound, st.getErr = tt.notFound, tt.getErr
			if tt.raw != nil {
				st.data[Name("dev")] = tt.raw
			}
			m := newManager(t, st, &fakeProvider{}, nil, &sleeps{})
			m.IsAbsent = tt.isAbsent

			for _, op := range []struct {
				name string
				call func() error
			}{
				{"Load", func() error { _, err := m.Load(context.Background()); return err }},
				{"Token", func() error { _, err := m.Token(context.Background()); return err }},
			} {
				err := op.call()
				if err == nil {
					t.Fatalf("%s: got nil error; want one", op.name)
				}
				if got := errors.Is(err, auth.ErrLoginRequired); got != tt.wantLogin {
					t.Errorf("%s: got ErrLoginRequired match %v (%v); want %v", op.name, got, err, tt.wantLogin)
				}
				if got := errors.Is(err, ErrDamaged); got != tt.wantDamaged {
					t.Errorf("%s: got ErrDamaged match %v (%v); want %v", op.name, got, err, tt.wantDamaged)
				}
				if !strings.Contains(err.Error(), tt.wantText) || strings.Contains(err.Error(), "s3cret") {
					t.Errorf("%s: got %q; want it to mention %q and quote no content", op.name, err, tt.wantText)
				}
			}
		})
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	st := newStore()
	m := newManager(t, st, &fakeProvider{}, nil, &sleeps{})
	want := storedSession(time.Hour, dur(2*time.Hour))
	if err := m.Save(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.data["session/dev"]; !ok {
		t.Errorf("got store keys %v; want %q", st.data, "session/dev")
	}
	got, err := m.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Token() != "plat-1" || got.RefreshToken != "rt-1" || !got.Expiry.Equal(want.Expiry) ||
		!got.Platform.Expiry.Equal(want.Platform.Expiry) || got.Claims.Subject != "user-1" {
		t.Errorf("got %+v; want %+v", got, want)
	}
}

func TestSaveStoreError(t *testing.T) {
	st := newStore()
	st.putErr = errors.New("keyring locked")
	m := newManager(t, st, &fakeProvider{}, nil, &sleeps{})
	err := m.Save(context.Background(), storedSession(time.Hour, nil))
	if err == nil || !strings.Contains(err.Error(), "saving the sign-in") || !errors.Is(err, st.putErr) {
		t.Errorf("got %v; want a wrapped %v", err, st.putErr)
	}
}

func TestDelete(t *testing.T) {
	broken := errors.New("dbus: no session bus")
	tests := []struct {
		name     string
		seed     bool
		notFound error
		isAbsent func(error) bool
		delErr   error
		wantErr  error
	}{
		{name: "stored", seed: true},
		{name: "missing is not an error"},
		{name: "missing via IsAbsent hook", notFound: errKeyMissing,
			isAbsent: func(err error) bool { return errors.Is(err, errKeyMissing) }},
		{name: "missing without the hook", notFound: errKeyMissing, wantErr: errKeyMissing},
		{name: "store broken", seed: true, delErr: broken, wantErr: broken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore()
			st.notFound, st.delErr = tt.notFound, tt.delErr
			m := newManager(t, st, &fakeProvider{}, nil, &sleeps{})
			m.IsAbsent = tt.isAbsent
			if tt.seed {
				st.seed(t, "dev", storedSession(time.Hour, nil))
			}
			err := m.Delete(context.Background())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("got %v; want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && st.current("dev") != nil {
				t.Error("got the session still stored; want it gone")
			}
		})
	}
}

// TestTokenHotPath: a valid cached token costs exactly one store read and
// nothing else, however often it is asked for.
func TestTokenHotPath(t *testing.T) {
	for _, kindNone := range []bool{false, true} {
		st, prov, plat := newStore(), &fakeProvider{}, &fakePlatform{}
		st.seed(t, "dev", storedSession(time.Hour, dur(time.Hour)))
		m := newManager(t, st, prov, plat, &sleeps{})
		m.LockDir = "/nonexistent/must-not-be-created"
		if kindNone {
			m.Platform = nil
		}
		const n = 5
		for range n {
			if _, err := m.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		gets, puts := st.counts()
		pr, pv := prov.calls()
		pe, pf := plat.calls()
		if gets != n || puts+pr+pv+pe+pf != 0 {
			t.Errorf("kind none %v: got %d Gets and %d other calls; want %d Gets and none", kindNone, gets, puts+pr+pv+pe+pf, n)
		}
	}
}

func TestFresh(t *testing.T) {
	tests := []struct {
		name     string
		sess     *auth.SignIn
		kindNone bool
		want     bool
	}{
		{"platform beyond margin", storedSession(-time.Hour, dur(6*time.Minute)), false, true},
		{"platform at the margin", storedSession(time.Hour, dur(5*time.Minute)), false, false},
		{"platform missing", storedSession(time.Hour, nil), false, false},
		{"platform access token empty", func() *auth.SignIn {
			s := storedSession(time.Hour, dur(time.Hour))
			s.Platform.AccessToken = ""
			return s
		}(), false, false},
		{"none beyond margin", storedSession(6*time.Minute, nil), true, true},
		{"none at the margin", storedSession(5*time.Minute, nil), true, false},
		{"none access token empty", func() *auth.SignIn {
			s := storedSession(time.Hour, nil)
			s.AccessToken = ""
			return s
		}(), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManager(t, newStore(), &fakeProvider{}, &fakePlatform{}, &sleeps{})
			if tt.kindNone {
				m.Platform = nil
			}
			if got := m.fresh(tt.sess); got != tt.want {
				t.Errorf("got fresh %v; want %v", got, tt.want)
			}
		})
	}
}

// TestTokenOtherBinding: a saved session is never handed out or refreshed
// once the profile names another provider, client or platform: nothing is
// sent anywhere, and the user is told to sign in again.
func TestTokenOtherBinding(t *testing.T) {
	tests := []struct {
		name   string
		change func(*auth.Binding)
		want   string
	}{
		{"issuer", func(b *auth.Binding) { b.Issuer = "https://other.example" }, "identity provider https://idp.example, not https://other.example"},
		{"client", func(b *auth.Binding) { b.ClientID = "client-2" }, "app client client-1, not client-2"},
		{"platform", func(b *auth.Binding) { b.PlatformTarget = "encodify https://evil.example site 36 idp cognito" }, "platform encodify https://plat.example"},
		{"platform kind", func(b *auth.Binding) { b.PlatformTarget = "none" }, ", not none"},
	}
	for _, tt := range tests {
		for _, expiring := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, expiring %v", tt.name, expiring), func(t *testing.T) {
				st := newStore()
				stored := storedSession(time.Hour, dur(time.Hour))
				if expiring {
					stored = storedSession(-time.Hour, dur(-time.Minute))
				}
				st.seed(t, "dev", stored)
				prov, plat := &fakeProvider{}, &fakePlatform{}
				m := newManager(t, st, prov, plat, &sleeps{})
				tt.change(&m.Binding)
				s, err := m.Token(context.Background())
				if s != nil || !errors.Is(err, ErrOtherBinding) || !errors.Is(err, auth.ErrLoginRequired) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, %v; want ErrOtherBinding, sign-in required, naming %q", s, err, tt.want)
				}
				if r, v := prov.calls(); r+v != 0 {
					t.Errorf("provider calls: refresh %d, verify %d; want none", r, v)
				}
				if e, r := plat.calls(); e+r != 0 {
					t.Errorf("platform calls: exchange %d, refresh %d; want none", e, r)
				}
				if _, puts := st.counts(); puts != 0 {
					t.Errorf("puts = %d; want the saved sign-in untouched", puts)
				}
			})
		}
	}
}
