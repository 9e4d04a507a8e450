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
		name string
		edit func(q url.Values)
		// Where the browser goes: "login", "callback" (with wantError and
		// wantDescription) or "error page" (with wantError and wantClient).
		want            string
		wantError       string
		wantDescription string
		wantClient      string
	}{
		{"valid goes to login", func(url.Values) {}, "login", "", "", ""},
		{"no client id", func(q url.Values) { q.Del("client_id") }, "error page", "Required parameters missing", "", ""},
		{"unknown client", func(q url.Values) { q.Set("client_id", "nope") }, "error page", "invalid_request", "", "nope"},
		{"unregistered redirect", func(q url.Values) { q.Set("redirect_uri", "http://localhost:1/callback") },
			"error page", "redirect_mismatch", "", testClientID},
		{"no redirect", func(q url.Values) { q.Del("redirect_uri") }, "error page", "redirect_mismatch", "", testClientID},
		{"127.0.0.1 redirect", func(q url.Values) {
			q.Set("redirect_uri", strings.Replace(q.Get("redirect_uri"), "localhost", "127.0.0.1", 1))
		}, "error page", "redirect_mismatch", "", testClientID},
		{"redirect with trailing slash", func(q url.Values) { q.Set("redirect_uri", q.Get("redirect_uri")+"/") },
			"error page", "redirect_mismatch", "", testClientID},
		{"no pkce goes to login", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, "login", "", "", ""},
		{"challenge without method", func(q url.Values) { q.Del("code_challenge_method") }, "callback", "invalid_request", "", ""},
		{"method without challenge", func(q url.Values) { q.Del("code_challenge") }, "callback", "invalid_request", "", ""},
		{"plain method", func(q url.Values) { q.Set("code_challenge_method", "plain") }, "callback", "invalid_request", "", ""},
		{"short challenge", func(q url.Values) { q.Set("code_challenge", "abc") }, "callback", "invalid_request", "", ""},
		{"no openid scope", func(q url.Values) { q.Set("scope", "email") }, "callback", "invalid_scope", "openid scope is required", ""},
		{"scope not allowed", func(q url.Values) { q.Set("scope", "openid admin") }, "callback", "invalid_request", "invalid_scope", ""},
		{"implicit flow", func(q url.Values) { q.Set("response_type", "token") }, "callback", "unsupported_response_type", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := authorizeQuery(testClientID, e.cb.URI, challenge)
			tt.edit(q)
			resp, err := noRedirect.Get(e.s.URL() + "/oauth2/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got, want := resp.StatusCode, http.StatusFound; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			switch tt.want {
			case "login":
				if got, want := loc.Path, "/login"; got != want {
					t.Errorf("got redirect path %q; want %q", got, want)
				}
				if got, want := loc.Query().Encode(), q.Encode(); got != want {
					t.Errorf("got login query %q; want %q", got, want)
				}
			case "error page":
				if got, want := loc.Scheme+"://"+loc.Host+loc.Path, e.s.URL()+"/error"; got != want {
					t.Errorf("got redirect to %q; want %q", got, want)
				}
				want := url.Values{"error": {tt.wantError}}
				if tt.wantClient != "" {
					want.Set("client_id", tt.wantClient)
				}
				if got, want := loc.Query().Encode(), want.Encode(); got != want {
					t.Errorf("got error page query %q; want %q", got, want)
				}
			case "callback":
				if got, want := loc.Scheme+"://"+loc.Host+loc.Path, e.cb.URI; got != want {
					t.Errorf("got redirect to %q; want %q", got, want)
				}
				if got, want := loc.Query().Get("error"), tt.wantError; got != want {
					t.Errorf("got error %q; want %q", got, want)
				}
				if got, want := loc.Query().Get("error_description"), tt.wantDescription; tt.wantDescription != "" && got != want {
					t.Errorf("got error_description %q; want %q", got, want)
				}
				if got, want := loc.Query().Get("state"), testState; got != want {
					t.Errorf("got state %q; want %q", got, want)
				}
			default:
				t.Fatalf("bad test: want %q", tt.want)
			}
		})
	}
}

// TestErrorPage: the page the hosted UI sends a browser to answers 400 and
// names the error, escaped, under Cognito's generic sentence.
func TestErrorPage(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, query string
		want        []string
		wantNot     []string
	}{
		{"redirect mismatch", "error=redirect_mismatch&client_id=" + testClientID, []string{"<code>redirect_mismatch</code>"}, nil},
		{"no error", "", nil, []string{"<code>"}},
		{"markup escaped", "error=" + url.QueryEscape(`<script>alert(1)</script>`),
			[]string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirect.Get(e.s.URL() + "/error?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got, want := resp.StatusCode, http.StatusBadRequest; got != want {
				t.Errorf("got status %d; want %d", got, want)
			}
			if got, want := resp.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
				t.Errorf("got Content-Type %q; want %q", got, want)
			}
			for _, want := range append(tt.want, "An error was encountered with the requested page.") {
				if !strings.Contains(string(body), want) {
					t.Errorf("got page %q; want it to contain %q", body, want)
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(string(body), not) {
					t.Errorf("got page %q; want it without %q", body, not)
				}
			}
		})
	}
}

// TestBrowserStopsOnErrorPage: a browser sent to the error page ends there
// with 400, as a person would, and the login form is never shown.
func TestBrowserStopsOnErrorPage(t *testing.T) {
	e := newEnv(t, nil)
	_, challenge := newPKCE()
	q := authorizeQuery(testClientID, "http://localhost:1/callback", challenge)
	err := designer().Open(context.Background(), e.s.URL()+"/oauth2/authorize?"+q.Encode())
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("got %v; want *StatusError", err)
	}
	if got, want := [2]any{se.URL, se.StatusCode}, [2]any{e.s.URL() + "/error", http.StatusBadRequest}; got != want {
		t.Errorf("got stop at %v; want %v", got, want)
	}
	if got, want := e.s.Counts().Login, 0; got != want {
		t.Errorf("got Counts().Login %d; want %d", got, want)
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
	csrf := attrs(reInput().FindString(string(page)))["value"]
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
