package platform

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRefresh(t *testing.T) {
	tests := []struct {
		name        string
		refresh     http.HandlerFunc
		wantRefresh string
	}{
		{"rotated", nil, testRefreshToken + "-2"},
		{"not rotated", raw(200, `{"access_token":"new-access","token_type":"bearer","expires_in":60}`), testRefreshToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePlatform(t)
			f.refresh = tt.refresh
			tok, err := f.client().Refresh(context.Background(), testRefreshToken)
			if err != nil {
				t.Fatalf("got %v; want nil", err)
			}
			if got := tok.RefreshToken; got != tt.wantRefresh {
				t.Errorf("got refresh token %q; want %q", got, tt.wantRefresh)
			}
			if !tok.Valid(testNow, 0) || tok.Expiry.IsZero() {
				t.Errorf("got %+v; want a valid token with an expiry", tok)
			}
			form := f.tokenForms[0]
			got := []string{form.Get("grant_type"), form.Get("refresh_token"), form.Get("client_id"), form.Get("client_secret")}
			want := []string{"refresh_token", testRefreshToken, "client-app", testAppSecret}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("got form %v; want %v", got, want)
			}
		})
	}
}

func TestRefreshErrors(t *testing.T) {
	tests := []struct {
		name    string
		refresh http.HandlerFunc
		token   string
		want    error
	}{
		{"unknown token", nil, "unknown-refresh-token", ErrInvalidGrant},
		{"invalid grant", answer(400, "invalid_grant", "Invalid refresh token"), testRefreshToken, ErrInvalidGrant},
		{"expired spring style", answer(401, "invalid_token", "Invalid refresh token (expired)"), testRefreshToken, ErrInvalidGrant},
		{"bad client", answer(401, "invalid_client", "Bad client credentials"), testRefreshToken, ErrClientApp},
		{"grant not allowed", answer(400, "unauthorized_client", "no"), testRefreshToken, ErrClientApp},
		{"down", answer(503, "", "maintenance"), testRefreshToken, ErrUnavailable},
		{"not json", raw(200, "oops"), testRefreshToken, ErrUnavailable},
		{"empty token", nil, "", ErrInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakePlatform(t)
			f.refresh = tt.refresh
			tok, err := f.client().Refresh(context.Background(), tt.token)
			if tok != nil || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, %v; want nil, %v", tok, err, tt.want)
			}
			assertNoSecrets(t, "error", err.Error())
		})
	}
}

func TestTokenValid(t *testing.T) {
	tests := []struct {
		name   string
		tok    *Token
		margin time.Duration
		want   bool
	}{
		{"nil", nil, 0, false},
		{"empty", &Token{}, 0, false},
		{"fresh", &Token{AccessToken: "a", Expiry: testNow.Add(time.Hour)}, time.Minute, true},
		{"inside margin", &Token{AccessToken: "a", Expiry: testNow.Add(time.Minute)}, 2 * time.Minute, false},
		{"expired", &Token{AccessToken: "a", Expiry: testNow.Add(-time.Second)}, 0, false},
		{"no expiry", &Token{AccessToken: "a"}, time.Hour, true},
	}
	for _, tt := range tests {
		if got := tt.tok.Valid(testNow, tt.margin); got != tt.want {
			t.Errorf("%s: got %v; want %v", tt.name, got, tt.want)
		}
	}
}
