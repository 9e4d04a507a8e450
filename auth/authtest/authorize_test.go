package authtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthorizeValidation(t *testing.T) {
	e := newEnv(t, nil)
	_, challenge := newPKCE()
	tests := []struct {
		name       string
		edit       func(q url.Values)
		wantStatus int
		wantError  string // OAuth error on the callback; "" with 400 = error page
	}{
		{"valid goes to login", func(url.Values) {}, http.StatusFound, ""},
		{"unknown client", func(q url.Values) { q.Set("client_id", "nope") }, http.StatusBadRequest, ""},
		{"unregistered redirect", func(q url.Values) { q.Set("redirect_uri", "http://localhost:1/callback") }, http.StatusBadRequest, ""},
		{"127.0.0.1 redirect", func(q url.Values) {
			q.Set("redirect_uri", strings.Replace(q.Get("redirect_uri"), "localhost", "127.0.0.1", 1))
		}, http.StatusBadRequest, ""},
		{"redirect with trailing slash", func(q url.Values) { q.Set("redirect_uri", q.Get("redirect_uri")+"/") }, http.StatusBadRequest, ""},
		{"missing pkce", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, http.StatusFound, "invalid_request"},
		{"plain method", func(q url.Values) { q.Set("code_challenge_method", "plain") }, http.StatusFound, "invalid_request"},
		{"short challenge", func(q url.Values) { q.Set("code_challenge", "abc") }, http.StatusFound, "invalid_request"},
		{"no openid scope", func(q url.Values) { q.Set("scope", "email") }, http.StatusFound, "invalid_scope"},
		{"scope not allowed", func(q url.Values) { q.Set("scope", "openid admin") }, http.StatusFound, "invalid_scope"},
		{"implicit flow", func(q url.Values) { q.Set("response_type", "token") }, http.StatusFound, "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := authorizeQuery(testClientID, e.cb.URI, challenge)
			tt.edit(q)
			resp, err := noRedirect.Get(e.s.URL() + "/oauth2/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got, want := resp.StatusCode, tt.wantStatus; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			if tt.wantStatus == http.StatusBadRequest {
				if got, want := string(body), "An error was encountered with the requested page."; !strings.Contains(got, want) {
					t.Errorf("got page %q; want it to contain %q", got, want)
				}
				return
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantError == "" {
				if got, want := loc.Path, "/login"; got != want {
					t.Errorf("got redirect path %q; want %q", got, want)
				}
				if got, want := loc.Query().Encode(), q.Encode(); got != want {
					t.Errorf("got login query %q; want %q", got, want)
				}
				return
			}
			if got, want := loc.Scheme+"://"+loc.Host+loc.Path, e.cb.URI; got != want {
				t.Errorf("got redirect to %q; want %q", got, want)
			}
			if got, want := loc.Query().Get("error"), tt.wantError; got != want {
				t.Errorf("got error %q; want %q", got, want)
			}
			if got, want := loc.Query().Get("state"), testState; got != want {
				t.Errorf("got state %q; want %q", got, want)
			}
		})
	}
}

func TestNewServerRejects(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"non-loopback addr", Options{Addr: "0.0.0.0:0"}},
		{"http 127.0.0.1 callback", Options{Clients: []Client{{ID: "a", CallbackURLs: []string{"http://127.0.0.1:43110/callback"}}}}},
		{"duplicate client", Options{Clients: []Client{{ID: "a"}, {ID: "a"}}}},
		{"grace over 60s", Options{RefreshGrace: 61e9}},
		{"bad mapping xml", Options{Platform: PlatformOptions{GroupMappingXML: "<MappingDocument><Mapping>"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewServer(tt.opts)
			if err == nil {
				_ = s.Close()
			}
			if got, want := err, ErrInvalidOptions; !errors.Is(got, want) {
				t.Errorf("got error %v; want %v", got, want)
			}
		})
	}
}

func TestLoginOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		browser   *Browser
		wantErr   error
		wantError string // OAuth error on the callback
	}{
		{"correct password", designer(), nil, ""},
		{"username is case-insensitive", &Browser{Username: "Designer", Password: "Design-2026!"}, nil, ""},
		{"wrong password", &Browser{Username: "designer", Password: "nope"}, ErrLoginFailed, ""},
		{"unknown user", &Browser{Username: "ghost", Password: "x"}, ErrLoginFailed, ""},
		{"cancel", &Browser{Cancel: true}, nil, "access_denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.SendIssParam = true })
			_, challenge := newPKCE()
			u := e.s.URL() + "/oauth2/authorize?" + authorizeQuery(testClientID, e.cb.URI, challenge).Encode()
			err := tt.browser.Open(context.Background(), u)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v; want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			q := e.cb.Query()
			if got, want := q.Get("error"), tt.wantError; got != want {
				t.Errorf("got error %q; want %q", got, want)
			}
			if got, want := q.Get("code") != "", tt.wantError == ""; got != want {
				t.Errorf("got code present %v; want %v", got, want)
			}
			if got, want := q.Get("state"), testState; got != want {
				t.Errorf("got state %q; want %q", got, want)
			}
			if got, want := q.Get("iss"), e.s.Issuer(); got != want {
				t.Errorf("got iss %q; want %q", got, want)
			}
		})
	}
}

func TestLoginPageShowsError(t *testing.T) {
	e := newEnv(t, nil)
	_, challenge := newPKCE()
	b := &Browser{Username: "designer", Password: "wrong"}
	err := b.Open(context.Background(), e.s.URL()+"/oauth2/authorize?"+authorizeQuery(testClientID, e.cb.URI, challenge).Encode())
	if !errors.Is(err, ErrLoginFailed) {
		t.Fatalf("got %v; want ErrLoginFailed", err)
	}
	// Render the page once more with the cookie jar's XSRF cookie and a wrong password.
	q := authorizeQuery(testClientID, e.cb.URI, challenge)
	resp, err := b.client().Get(e.s.URL() + "/login?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := attrs(reInput.FindString(string(page)))["value"]
	form := url.Values{"_csrf": {csrf}, "username": {"designer"}, "password": {"wrong"}}
	resp, err = b.client().PostForm(e.s.URL()+"/login?"+q.Encode(), form)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusOK; got != want {
		t.Errorf("got status %d; want %d", got, want)
	}
	if got, want := string(page), msgIncorrect; !strings.Contains(got, want) {
		t.Errorf("got page without %q", want)
	}
	if got, want := e.s.Counts().Login, 2; got != want {
		t.Errorf("got Counts().Login %d; want %d", got, want)
	}
}

func TestSessionReuseAndPromptLogin(t *testing.T) {
	e := newEnv(t, nil)
	b := designer()
	e.signIn(t, b)
	e.signIn(t, b) // the session cookie skips the form
	if got, want := e.s.Counts().Login, 1; got != want {
		t.Errorf("after session reuse got Counts().Login %d; want %d", got, want)
	}
	_, challenge := newPKCE()
	q := authorizeQuery(testClientID, e.cb.URI, challenge)
	q.Set("prompt", "login")
	if err := b.Open(context.Background(), e.s.URL()+"/oauth2/authorize?"+q.Encode()); err != nil {
		t.Fatal(err)
	}
	if got, want := e.s.Counts().Login, 2; got != want {
		t.Errorf("after prompt=login got Counts().Login %d; want %d", got, want)
	}
}
