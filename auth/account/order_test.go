package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestRotatedRefreshTokenStoredFirst proves the ordering: the rotated
// refresh token is in the store before Verify runs and survives a Verify
// failure.
func TestRotatedRefreshTokenStoredFirst(t *testing.T) {
	for _, verifyErr := range []error{nil, errors.New("id_token: bad signature")} {
		t.Run(fmtLabel(verifyErr), func(t *testing.T) {
			st, plat, sl := newStore(), &fakePlatform{refresh: []platAnswer{{err: platInvalidGrant()}}, exchange: []platAnswer{platTok("3")}}, &sleeps{}
			prov := &fakeProvider{script: []provAnswer{provToks("2", "rt-2")}, verifyErr: verifyErr}
			var atVerify string
			prov.onVerify = func() {
				if cur := st.current("dev"); cur != nil {
					atVerify = cur.RefreshToken
				}
			}
			st.seed(t, "dev", storedSession(-time.Hour, dur(-time.Minute)))
			m := newManager(t, st, prov, plat, sl)

			_, err := m.Token(context.Background())
			if (err != nil) != (verifyErr != nil) {
				t.Fatalf("Token: got error %v; want error %v", err, verifyErr)
			}
			if atVerify != "rt-2" {
				t.Errorf("stored refresh token when Verify ran: got %q; want %q", atVerify, "rt-2")
			}
			puts := st.putSessions(t)
			if len(puts) == 0 {
				t.Fatal("got no Put; want the rotated token saved")
			}
			if puts[0].RefreshToken != "rt-2" {
				t.Errorf("first Put: got refresh token %q; want %q", puts[0].RefreshToken, "rt-2")
			}
			if got := st.current("dev").RefreshToken; got != "rt-2" {
				t.Errorf("stored refresh token at the end: got %q; want %q", got, "rt-2")
			}
			wantPuts, wantExchange := 2, 1
			if verifyErr != nil {
				wantPuts, wantExchange = 1, 0
			}
			if ex, _ := plat.calls(); len(puts) != wantPuts || ex != wantExchange {
				t.Errorf("got %d Puts, %d Exchanges; want %d, %d", len(puts), ex, wantPuts, wantExchange)
			}
		})
	}
}

func fmtLabel(err error) string {
	if err == nil {
		return "verify ok"
	}
	return "verify fails"
}

func TestTokenSaveFailures(t *testing.T) {
	tests := []struct {
		name     string
		prov     []provAnswer
		platRef  []platAnswer
		wantText string
		wantVer  int
	}{
		{name: "after a platform refresh", platRef: []platAnswer{platTok("2")}, wantText: "saving the sign-in"},
		{name: "of the rotated refresh token", platRef: []platAnswer{{err: platInvalidGrant()}},
			prov: []provAnswer{provToks("2", "rt-2")}, wantText: "keeping the rotated refresh token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, sl := newStore(), &sleeps{}
			st.seed(t, "dev", storedSession(-time.Hour, dur(-time.Minute)))
			st.putErr = errors.New("keyring locked")
			prov := &fakeProvider{script: tt.prov}
			m := newManager(t, st, prov, &fakePlatform{refresh: tt.platRef}, sl)
			_, err := m.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.wantText) || !strings.Contains(err.Error(), "keyring locked") {
				t.Errorf("got error %v; want %q wrapping the store's error", err, tt.wantText)
			}
			if _, ver := prov.calls(); ver != tt.wantVer {
				t.Errorf("got %d Verify calls; want %d", ver, tt.wantVer)
			}
		})
	}
}

// TestTokenCancelledDuringBackoff: a cancelled context ends the retries at
// once with an error.
func TestTokenCancelledDuringBackoff(t *testing.T) {
	st := newStore()
	st.seed(t, "dev", storedSession(time.Hour, dur(-time.Minute)))
	plat := &fakePlatform{refresh: []platAnswer{{err: plat503()}, platTok("2")}}
	m := newManager(t, st, &fakeProvider{}, plat, &sleeps{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var slept []time.Duration
	m.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}

	got, err := m.Token(ctx)
	if err == nil {
		t.Fatalf("Token: got %v, nil error; want an error", got)
	}
	if _, n := plat.calls(); n != 1 || len(slept) != 1 {
		t.Errorf("got %d platform refreshes, %d sleeps; want 1, 1", n, len(slept))
	}
	if _, puts := st.counts(); puts != 0 {
		t.Errorf("got %d Puts; want none", puts)
	}
}
