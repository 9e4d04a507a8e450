package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// calls counts what Token did.
type calls struct {
	gets, puts                  int
	provRefresh, verify         int
	platRefresh, platExchange   int
	provRefreshArg, exchangeArg string // first argument seen, "" if none
}

func TestTokenRefreshChain(t *testing.T) {
	tests := []struct {
		name      string
		stored    *auth.SignIn // nil => nothing stored
		kindNone  bool         // Manager.Platform nil
		margin    time.Duration
		retry     Backoff
		prov      []provAnswer
		platRef   []platAnswer
		platEx    []platAnswer
		verifyErr error
		subject   string // sub of the renewed id_token; default the stored one

		wantErr     error    // errors.Is target; nil => success
		wantNotErr  error    // the error must not match this
		wantText    []string // in the error message
		wantToken   string   // Session.Token() of the answer and of the store
		wantStored  *auth.SignIn
		wantCalls   calls
		wantSleeps  []time.Duration
		wantNoSaved bool // store must be unchanged
	}{
		{
			name: "nothing stored", stored: nil,
			wantErr: auth.ErrLoginRequired, wantText: []string{"`ssohelper login`", "dev"},
			wantCalls: calls{gets: 1}, wantNoSaved: true,
		},
		{
			name: "cached platform token beyond the margin", stored: storedSession(-time.Hour, dur(time.Hour)),
			wantToken: "plat-1", wantCalls: calls{gets: 1}, wantNoSaved: true,
		},
		{
			name: "cached token just beyond a custom margin", stored: storedSession(-time.Hour, dur(31*time.Minute)),
			margin: 30 * time.Minute, wantToken: "plat-1", wantCalls: calls{gets: 1}, wantNoSaved: true,
		},
		{
			name: "platform token within the margin", stored: storedSession(time.Hour, dur(4*time.Minute)),
			platRef:   []platAnswer{platTok("2")},
			wantToken: "plat-2",
			wantCalls: calls{gets: 2, puts: 1, platRefresh: 1},
		},
		{
			name: "platform token within a custom margin", stored: storedSession(time.Hour, dur(29*time.Minute)),
			margin: 30 * time.Minute, platRef: []platAnswer{platTok("2")},
			wantToken: "plat-2", wantCalls: calls{gets: 2, puts: 1, platRefresh: 1},
		},
		{
			name: "platform token expired", stored: storedSession(-time.Hour, dur(-time.Hour)),
			platRef:   []platAnswer{platTok("2")},
			wantToken: "plat-2", wantCalls: calls{gets: 2, puts: 1, platRefresh: 1},
		},
		{
			name: "platform invalid_grant falls back to the provider", stored: storedSession(-time.Hour, dur(-time.Minute)),
			platRef: []platAnswer{{err: platInvalidGrant()}}, prov: []provAnswer{provToks("2", "")},
			platEx:    []platAnswer{platTok("3")},
			wantToken: "plat-3",
			wantStored: &auth.SignIn{IDToken: "id-2", AccessToken: "at-2", RefreshToken: "rt-1",
				Platform: &platform.Token{AccessToken: "plat-3", RefreshToken: "prt-3"}},
			wantCalls: calls{gets: 2, puts: 1, platRefresh: 1, provRefresh: 1, verify: 1, platExchange: 1,
				provRefreshArg: "rt-1", exchangeArg: "id-2"},
		},
		{
			name: "provider rotates the refresh token", stored: storedSession(-time.Hour, dur(-time.Minute)),
			platRef: []platAnswer{{err: platInvalidGrant()}}, prov: []provAnswer{provToks("2", "rt-2")},
			platEx:    []platAnswer{platTok("3")},
			wantToken: "plat-3",
			wantStored: &auth.SignIn{IDToken: "id-2", AccessToken: "at-2", RefreshToken: "rt-2",
				Platform: &platform.Token{AccessToken: "plat-3", RefreshToken: "prt-3"}},
			wantCalls: calls{gets: 2, puts: 2, platRefresh: 1, provRefresh: 1, verify: 1, platExchange: 1,
				provRefreshArg: "rt-1", exchangeArg: "id-2"},
		},
		{
			name: "no platform refresh token goes straight to the provider",
			stored: func() *auth.SignIn {
				s := storedSession(-time.Hour, dur(-time.Minute))
				s.Platform.RefreshToken = ""
				return s
			}(),
			prov: []provAnswer{provToks("2", "")}, platEx: []platAnswer{platTok("3")},
			wantToken: "plat-3",
			wantCalls: calls{gets: 2, puts: 1, provRefresh: 1, verify: 1, platExchange: 1,
				provRefreshArg: "rt-1", exchangeArg: "id-2"},
		},
		{
			name: "no platform token yet is provisioned", stored: storedSession(-time.Hour, nil),
			prov: []provAnswer{provToks("2", "")}, platEx: []platAnswer{platTok("3")},
			wantToken: "plat-3",
			wantCalls: calls{gets: 2, puts: 1, provRefresh: 1, verify: 1, platExchange: 1,
				provRefreshArg: "rt-1", exchangeArg: "id-2"},
		},
		{
			name: "provider invalid_grant is sign-in required, not retried", stored: storedSession(-time.Hour, dur(-time.Minute)),
			platRef: []platAnswer{{err: platInvalidGrant()}}, prov: []provAnswer{{err: provInvalidGrant()}},
			wantErr: auth.ErrLoginRequired, wantText: []string{"`ssohelper login`"},
			wantCalls:   calls{gets: 2, platRefresh: 1, provRefresh: 1, provRefreshArg: "rt-1"},
			wantNoSaved: true,
		},
		{
			name: "platform invalid_grant without a provider refresh token",
			stored: func() *auth.SignIn {
				s := storedSession(-time.Hour, dur(-time.Minute))
				s.RefreshToken = ""
				return s
			}(),
			platRef: []platAnswer{{err: platInvalidGrant()}},
			wantErr: auth.ErrLoginRequired, wantText: []string{"`ssohelper login`"},
			wantCalls: calls{gets: 2, platRefresh: 1}, wantNoSaved: true,
		},
		{
			name: "platform 503 with Retry-After then success", stored: storedSession(time.Hour, dur(-time.Minute)),
			platRef:   []platAnswer{{err: plat503()}, platTok("2")},
			wantToken: "plat-2", wantSleeps: []time.Duration{2 * time.Second},
			wantCalls: calls{gets: 2, puts: 1, platRefresh: 2},
		},
		{
			name: "platform connection reset then success", stored: storedSession(time.Hour, dur(-time.Minute)),
			platRef:   []platAnswer{{err: connReset()}, platTok("2")},
			wantToken: "plat-2", wantSleeps: []time.Duration{250 * time.Millisecond},
			wantCalls: calls{gets: 2, puts: 1, platRefresh: 2},
		},
		{
			name: "platform unavailable exhausted does not fall back", stored: storedSession(time.Hour, dur(-time.Minute)),
			platRef: []platAnswer{{err: plat503()}},
			wantErr: platform.ErrUnavailable, wantNotErr: auth.ErrLoginRequired,
			wantSleeps: []time.Duration{2 * time.Second, 2 * time.Second},
			wantCalls:  calls{gets: 2, platRefresh: 3}, wantNoSaved: true,
		},
		{
			name: "platform exchange fails after the provider refresh", stored: storedSession(-time.Hour, dur(-time.Minute)),
			platRef: []platAnswer{{err: platInvalidGrant()}}, prov: []provAnswer{provToks("2", "")},
			platEx:  []platAnswer{{err: &platform.Error{Op: "provision", Status: 403, Err: platform.ErrNotAllowed}}},
			wantErr: platform.ErrNotAllowed, wantNotErr: auth.ErrLoginRequired, wantText: []string{"platform provision"},
			wantToken: "plat-1", // the stored platform token is untouched
			wantStored: &auth.SignIn{IDToken: "id-2", AccessToken: "at-2", RefreshToken: "rt-1",
				Platform: &platform.Token{AccessToken: "plat-1", RefreshToken: "prt-1"}},
			wantCalls: calls{gets: 2, puts: 1, platRefresh: 1, provRefresh: 1, verify: 1, platExchange: 1,
				provRefreshArg: "rt-1", exchangeArg: "id-2"},
		},
		{
			name: "kind none: cached provider token", stored: storedSession(time.Hour, nil), kindNone: true,
			wantToken: "at-1", wantCalls: calls{gets: 1}, wantNoSaved: true,
		},
		{
			name: "kind none: provider token within the margin", stored: storedSession(2*time.Minute, nil), kindNone: true,
			prov:       []provAnswer{provToks("2", "")},
			wantToken:  "at-2",
			wantStored: &auth.SignIn{IDToken: "id-2", AccessToken: "at-2", RefreshToken: "rt-1"},
			wantCalls:  calls{gets: 2, puts: 1, provRefresh: 1, verify: 1, provRefreshArg: "rt-1"},
		},
		{
			name: "kind none: expired without refresh token",
			stored: func() *auth.SignIn {
				s := storedSession(-time.Hour, nil)
				s.RefreshToken = ""
				return s
			}(),
			kindNone: true,
			wantErr:  auth.ErrLoginRequired, wantText: []string{"`ssohelper login`"},
			wantCalls: calls{gets: 2}, wantNoSaved: true,
		},
		{
			name: "provider 503 twice then success", stored: storedSession(-time.Hour, nil), kindNone: true,
			prov:       []provAnswer{{err: prov503()}, {err: prov503()}, provToks("2", "")},
			wantToken:  "at-2",
			wantSleeps: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond},
			wantCalls:  calls{gets: 2, puts: 1, provRefresh: 3, verify: 1, provRefreshArg: "rt-1"},
		},
		{
			name: "provider 429 honours Retry-After", stored: storedSession(-time.Hour, nil), kindNone: true,
			prov:       []provAnswer{{err: prov429(3 * time.Second)}, provToks("2", "")},
			wantToken:  "at-2",
			wantSleeps: []time.Duration{3 * time.Second},
			wantCalls:  calls{gets: 2, puts: 1, provRefresh: 2, verify: 1, provRefreshArg: "rt-1"},
		},
		{
			name: "Retry-After capped at Max", stored: storedSession(-time.Hour, nil), kindNone: true,
			retry:      Backoff{Max: 2 * time.Second},
			prov:       []provAnswer{{err: prov429(time.Hour)}, provToks("2", "")},
			wantToken:  "at-2",
			wantSleeps: []time.Duration{2 * time.Second},
			wantCalls:  calls{gets: 2, puts: 1, provRefresh: 2, verify: 1, provRefreshArg: "rt-1"},
		},
		{
			name: "doubling capped at Max", stored: storedSession(-time.Hour, nil), kindNone: true,
			retry:      Backoff{Attempts: 5, Base: 250 * time.Millisecond, Max: 600 * time.Millisecond},
			prov:       []provAnswer{{err: prov503()}, {err: netTimeout()}, {err: prov503()}, provToks("2", "")},
			wantToken:  "at-2",
			wantSleeps: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, 600 * time.Millisecond},
			wantCalls:  calls{gets: 2, puts: 1, provRefresh: 4, verify: 1, provRefreshArg: "rt-1"},
		},
		{
			name: "attempts exhausted returns the last error", stored: storedSession(-time.Hour, nil), kindNone: true,
			prov:       []provAnswer{{err: prov503()}, {err: netTimeout()}, {err: prov429(time.Second)}},
			wantNotErr: auth.ErrLoginRequired, wantText: []string{"HTTP 429"},
			wantSleeps: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond},
			wantCalls:  calls{gets: 2, provRefresh: 3, provRefreshArg: "rt-1"}, wantNoSaved: true,
		},
		{
			name: "verify fails", stored: storedSession(-time.Hour, nil), kindNone: true,
			prov: []provAnswer{provToks("2", "")}, verifyErr: errors.New("id_token: bad signature"),
			wantNotErr: auth.ErrLoginRequired, wantText: []string{"bad signature"},
			wantCalls: calls{gets: 2, provRefresh: 1, verify: 1, provRefreshArg: "rt-1"}, wantNoSaved: true,
		},
		{
			name: "renewed id_token of another user", stored: storedSession(-time.Hour, nil), kindNone: true,
			prov: []provAnswer{provToks("2", "")}, subject: "user-2",
			wantErr: auth.ErrLoginRequired, wantText: []string{"another user"},
			wantCalls: calls{gets: 2, provRefresh: 1, verify: 1, provRefreshArg: "rt-1"}, wantNoSaved: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, prov, plat, sl := newStore(), &fakeProvider{script: tt.prov}, &fakePlatform{refresh: tt.platRef, exchange: tt.platEx}, &sleeps{}
			prov.verifyErr = tt.verifyErr
			prov.subject = tt.subject
			if tt.stored != nil {
				st.seed(t, "dev", tt.stored)
			}
			m := newManager(t, st, prov, plat, sl)
			if tt.kindNone {
				m.Platform = nil
			}
			m.Margin = tt.margin
			tt.retry.Sleep = sl.Sleep
			m.Retry = tt.retry

			got, err := m.Token(context.Background())

			wantFail := tt.wantErr != nil || tt.wantNotErr != nil || len(tt.wantText) > 0
			switch {
			case wantFail && err == nil:
				t.Fatalf("Token: got session, nil error; want an error")
			case !wantFail && err != nil:
				t.Fatalf("Token: got error %v; want success", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v; want one matching %v", err, tt.wantErr)
			}
			if tt.wantNotErr != nil && errors.Is(err, tt.wantNotErr) {
				t.Errorf("got error %v; want one not matching %v", err, tt.wantNotErr)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %q; want it to mention %q", err, s)
				}
			}
			if !wantFail {
				if got.Token() != tt.wantToken {
					t.Errorf("got token %q; want %q", got.Token(), tt.wantToken)
				}
				if !got.TokenExpiry().After(t0.Add(m.margin())) {
					t.Errorf("got token expiry %v; want beyond the margin", got.TokenExpiry())
				}
			}

			var gc calls
			gc.gets, gc.puts = st.counts()
			gc.provRefresh, gc.verify = prov.calls()
			gc.platExchange, gc.platRefresh = plat.calls()
			if len(prov.refreshArgs) > 0 {
				gc.provRefreshArg = prov.refreshArgs[0]
			}
			if len(plat.exchangeArgs) > 0 {
				gc.exchangeArg = plat.exchangeArgs[0]
			}
			if gc != tt.wantCalls {
				t.Errorf("got calls %+v; want %+v", gc, tt.wantCalls)
			}
			for i, n := range prov.verifyNonces {
				if n != "" {
					t.Errorf("Verify call %d: got nonce %q; want \"\"", i, n)
				}
			}
			if got := sl.got(); !slices.Equal(got, tt.wantSleeps) {
				t.Errorf("got sleeps %v; want %v", got, tt.wantSleeps)
			}
			checkStored(t, st, tt.stored, tt.wantStored, tt.wantToken, tt.wantNoSaved)
		})
	}
}

// checkStored compares the stored session with the expectations.
func checkStored(t *testing.T, st *memStore, before, want *auth.SignIn, wantToken string, unchanged bool) {
	t.Helper()
	cur := st.current("dev")
	if unchanged {
		if _, puts := st.counts(); puts != 0 {
			t.Errorf("got %d Puts; want the store unchanged", puts)
		}
		return
	}
	if cur == nil {
		t.Fatal("got nothing stored; want a session")
	}
	if wantToken != "" && cur.Token() != wantToken {
		t.Errorf("stored token: got %q; want %q", cur.Token(), wantToken)
	}
	if want == nil {
		return
	}
	if cur.IDToken != want.IDToken || cur.AccessToken != want.AccessToken || cur.RefreshToken != want.RefreshToken {
		t.Errorf("stored provider tokens: got id=%q at=%q rt=%q; want id=%q at=%q rt=%q",
			cur.IDToken, cur.AccessToken, cur.RefreshToken, want.IDToken, want.AccessToken, want.RefreshToken)
	}
	if (cur.Platform == nil) != (want.Platform == nil) {
		t.Fatalf("stored platform token: got %v; want %v", cur.Platform != nil, want.Platform != nil)
	}
	if want.Platform != nil && (cur.Platform.AccessToken != want.Platform.AccessToken || cur.Platform.RefreshToken != want.Platform.RefreshToken) {
		t.Errorf("stored platform token: got at=%q rt=%q; want at=%q rt=%q",
			cur.Platform.AccessToken, cur.Platform.RefreshToken, want.Platform.AccessToken, want.Platform.RefreshToken)
	}
	if cur.Claims.Subject != "user-1" || cur.SignedInAt != before.SignedInAt {
		t.Errorf("stored claims/sign-in time: got sub=%q signed_in_at=%v; want kept", cur.Claims.Subject, cur.SignedInAt)
	}
}
