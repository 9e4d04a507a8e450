package authtest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func TestLogout(t *testing.T) {
	tests := []struct {
		name       string
		query      func(e *env) url.Values
		wantStatus int
	}{
		{"registered logout_uri", func(e *env) url.Values {
			return url.Values{"client_id": {testClientID}, "logout_uri": {e.cb.LogoutURI}}
		}, http.StatusFound},
		{"unregistered logout_uri", func(*env) url.Values {
			return url.Values{"client_id": {testClientID}, "logout_uri": {"http://localhost:1/signed-out"}}
		}, http.StatusBadRequest},
		{"unknown client", func(e *env) url.Values {
			return url.Values{"client_id": {"nope"}, "logout_uri": {e.cb.LogoutURI}}
		}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			b := designer()
			e.signIn(t, b)
			client := b.client()
			resp, err := client.Get(e.s.URL() + "/logout?" + tt.query(e).Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got, want := resp.StatusCode, tt.wantStatus; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			wantLogins := 1 // session still alive: no form
			if tt.wantStatus == http.StatusFound {
				if got, want := resp.Header.Get("Location"), e.cb.LogoutURI; got != want {
					t.Errorf("got Location %q; want %q", got, want)
				}
				wantLogins = 2 // the form is shown again
			}
			e.signIn(t, b)
			if got, want := e.s.Counts().Login, wantLogins; got != want {
				t.Errorf("got Counts().Login %d; want %d", got, want)
			}
			if got, want := e.s.Counts().Logout, 1; got != want {
				t.Errorf("got Counts().Logout %d; want %d", got, want)
			}
		})
	}
}

func TestLogoutSwitchesAccount(t *testing.T) {
	e := newEnv(t, nil)
	b := designer()
	e.signIn(t, b)
	if err := b.Open(context.Background(), e.s.URL()+"/logout?"+url.Values{"client_id": {testClientID}, "logout_uri": {e.cb.LogoutURI}}.Encode()); err != nil {
		t.Fatalf("logout through the browser: %v", err)
	}
	b.Username, b.Password = "admin", "Admin-2026!"
	code, verifier := e.signIn(t, b)
	status, body := e.exchange(t, code, verifier)
	if status != http.StatusOK {
		t.Fatalf("exchange: got status %d", status)
	}
	if got, want := payload(t, body["id_token"].(string))["cognito:username"], "admin"; got != want {
		t.Errorf("got cognito:username %v; want %v", got, want)
	}
	var se *StatusError
	err := b.Open(context.Background(), e.s.URL()+"/logout?client_id=nope")
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest {
		t.Errorf("got %v; want a StatusError with 400", err)
	}
}
