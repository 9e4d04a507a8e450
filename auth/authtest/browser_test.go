package authtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"
)

func TestBrowserFullLogin(t *testing.T) {
	jar, _ := cookiejar.New(nil)
	tests := []struct {
		name    string
		browser *Browser
	}{
		{"default client", designer()},
		{"own client", &Browser{Username: "admin", Password: "Admin-2026!", HTTP: &http.Client{Timeout: 5 * time.Second, Jar: jar}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			code, verifier := e.signIn(t, tt.browser)
			if got, want := e.cb.Query().Get("state"), testState; got != want {
				t.Errorf("got state %q; want %q", got, want)
			}
			status, body := e.exchange(t, code, verifier)
			if got, want := status, http.StatusOK; got != want {
				t.Fatalf("exchange: got status %d; want %d", got, want)
			}
			if got, want := payload(t, body["id_token"].(string))["cognito:username"], tt.browser.Username; got != want {
				t.Errorf("got cognito:username %v; want %v", got, want)
			}
			c := e.s.Counts()
			if got, want := [3]int{c.Authorize, c.Login, c.CodeGrant}, [3]int{1, 1, 1}; got != want {
				t.Errorf("got Authorize, Login, CodeGrant %v; want %v", got, want)
			}
		})
	}
}

func TestBrowserErrorsHideQuery(t *testing.T) {
	e := newEnv(t, nil)
	b := designer()
	err := b.Open(context.Background(), e.s.URL()+"/oauth2/authorize?client_id=nope&code=SECRETCODE")
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("got %v; want *StatusError", err)
	}
	if got, want := se.StatusCode, http.StatusBadRequest; got != want {
		t.Errorf("got status %d; want %d", got, want)
	}
	if strings.Contains(err.Error(), "SECRETCODE") {
		t.Errorf("error message leaks the query: %v", err)
	}
}
