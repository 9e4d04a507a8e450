package authtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// appToken gets a Client App token with the demo app's credentials.
func (e *env) appToken(t *testing.T) string {
	t.Helper()
	app := DemoPlatformApp()
	status, body := post(t, e.s.PlatformURL()+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, app.ID, app.Secret)
	if status != http.StatusOK {
		t.Fatalf("app token: got status %d", status)
	}
	return body["access_token"].(string)
}

// provision posts an id token to path with the bearer app token.
func (e *env) provision(t *testing.T, path, bearer, idToken string) (int, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(map[string]string{"openIdToken": idToken})
	req, _ := http.NewRequest(http.MethodPost, e.s.URL()+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return send(t, req)
}

func TestAppToken(t *testing.T) {
	app := DemoPlatformApp()
	tests := []struct {
		name       string
		form       url.Values
		user, pass string
		wantCode   int
		wantError  string
	}{
		{"basic", url.Values{"grant_type": {"client_credentials"}}, app.ID, app.Secret, http.StatusOK, ""},
		{"form", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ID}, "client_secret": {app.Secret}}, "", "", http.StatusOK, ""},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}}, app.ID, "wrong", http.StatusUnauthorized, "invalid_client"},
		{"unknown app", url.Values{"grant_type": {"client_credentials"}}, "nope", app.Secret, http.StatusUnauthorized, "invalid_client"},
		{"no credentials", url.Values{"grant_type": {"client_credentials"}}, "", "", http.StatusUnauthorized, "invalid_client"},
		{"unsupported grant", url.Values{"grant_type": {"password"}}, app.ID, app.Secret, http.StatusBadRequest, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			status, body := post(t, e.s.PlatformURL()+"/oauth/token", tt.form, tt.user, tt.pass)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			if tt.wantError != "" {
				if got, want := body["error"], tt.wantError; got != want {
					t.Errorf("got error %v; want %v", got, want)
				}
				return
			}
			if got, want := body["scope"], "site_36_provisionByOpenIdToken_cognito"; got != want {
				t.Errorf("got scope %v; want %v", got, want)
			}
			if got, want := body["expires_in"], 43199.0; got != want {
				t.Errorf("got expires_in %v; want %v", got, want)
			}
		})
	}
}

func TestProvisionErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(e *env)
		path      func(e *env) string
		noBearer  bool
		wantCode  int
		wantError string
	}{
		{"ok", nil, nil, false, http.StatusOK, ""},
		{"no app token", nil, nil, true, http.StatusUnauthorized, "invalid_token"},
		{"wrong site", nil, func(*env) string {
			return "/platform/rest/external/site/37/idp/cognito/provisionByOpenIdToken"
		}, false, http.StatusNotFound, "not_found"},
		{"wrong idp", nil, func(*env) string {
			return "/platform/rest/external/site/36/idp/okta/provisionByOpenIdToken"
		}, false, http.StatusNotFound, "not_found"},
		{"tampered id token", func(e *env) { e.s.SetTamperIDToken(true) }, nil, false, http.StatusUnauthorized, "invalid_token"},
		{"wrong audience", func(e *env) { e.s.SetIDTokenHook(func(c map[string]any) { c["aud"] = "someoneelse" }) }, nil, false, http.StatusUnauthorized, "invalid_token"},
		{"wrong issuer", func(e *env) { e.s.SetIDTokenHook(func(c map[string]any) { c["iss"] = "https://evil.example" }) }, nil, false, http.StatusUnauthorized, "invalid_token"},
		{"expired", func(e *env) {
			e.s.SetIDTokenHook(func(c map[string]any) { c["exp"] = e.clock.Now().Add(-time.Minute).Unix() })
		}, nil, false, http.StatusUnauthorized, "invalid_token"},
		{"access token instead", func(e *env) { e.s.SetIDTokenHook(func(c map[string]any) { c["token_use"] = "access" }) }, nil, false, http.StatusUnauthorized, "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if tt.setup != nil {
				tt.setup(e)
			}
			idToken := e.tokens(t)["id_token"].(string)
			bearer := e.appToken(t)
			if tt.noBearer {
				bearer = ""
			}
			path := e.s.ProvisionPath()
			if tt.path != nil {
				path = tt.path(e)
			}
			status, body := e.provision(t, path, bearer, idToken)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d (%v); want %d", got, body, want)
			}
			if tt.wantError != "" {
				if got, want := body["error"], tt.wantError; got != want {
					t.Errorf("got error %v; want %v", got, want)
				}
				return
			}
			if got, want := body["scope"], "site_36_internalApi"; got != want {
				t.Errorf("got scope %v; want %v", got, want)
			}
			if got, want := body["expires_in"], 14400.0; got != want {
				t.Errorf("got expires_in %v; want %v", got, want)
			}
			for _, k := range []string{"access_token", "refresh_token", "jti"} {
				if s, _ := body[k].(string); s == "" {
					t.Errorf("got no %s", k)
				}
			}
		})
	}
}

func TestProvisionUsers(t *testing.T) {
	tests := []struct {
		name       string
		username   string
		password   string
		domains    []string
		wantCode   int
		wantRight  string
		wantGroups []string
	}{
		{"designer", "designer", "Design-2026!", nil, http.StatusOK, "Sales Manager", []string{"Creative", "Argentina", "Chile", "Bolivia", "Plugin Users"}},
		{"admin", "admin", "Admin-2026!", nil, http.StatusOK, "Admin", []string{"Plugin Users"}},
		{"outsider", "outsider", "Outsider-2026!", nil, http.StatusForbidden, "", nil},
		{"domain check ignores case", "designer", "Design-2026!", []string{"EXAMPLE.COM"}, http.StatusOK, "Sales Manager", []string{"Creative", "Argentina", "Chile", "Bolivia", "Plugin Users"}},
		{"empty allow list admits any domain", "outsider", "Outsider-2026!", []string{}, http.StatusOK, "Viewer", []string{"Plugin Users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) {
				o.Platform = DemoPlatformOptions()
				if tt.domains != nil {
					o.Platform.AllowedDomains = tt.domains
				}
			})
			code, verifier := e.signIn(t, &Browser{Username: tt.username, Password: tt.password})
			_, tokens := e.exchange(t, code, verifier)
			bearer := e.appToken(t)
			status, body := e.provision(t, e.s.ProvisionPath(), bearer, tokens["id_token"].(string))
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d (%v); want %d", got, body, want)
			}
			users := e.s.ProvisionedUsers()
			if status != http.StatusOK {
				if got, want := body["error"], "access_denied"; got != want {
					t.Errorf("got error %v; want %v", got, want)
				}
				if got, want := len(users), 0; got != want {
					t.Errorf("got %d provisioned users; want %d", got, want)
				}
				return
			}
			e.provision(t, e.s.ProvisionPath(), bearer, tokens["id_token"].(string))
			users = e.s.ProvisionedUsers()
			if got, want := len(users), 1; got != want {
				t.Fatalf("got %d provisioned users; want %d", got, want)
			}
			u := users[0]
			if got, want := u.ExternalID, tt.username+"@"; !strings.HasPrefix(got, want) {
				t.Errorf("got external id %q; want prefix %q", got, want)
			}
			if got, want := u.AccessRight, tt.wantRight; got != want {
				t.Errorf("got access right %q; want %q", got, want)
			}
			if got, want := u.Groups, tt.wantGroups; !slices.Equal(got, want) {
				t.Errorf("got groups %q; want %q", got, want)
			}
			if got, want := u.Attributes["email"], u.ExternalID; got != want {
				t.Errorf("got email attribute %q; want %q", got, want)
			}
			if got := u.Attributes["firstName"]; got == "" {
				t.Errorf("got no firstName attribute")
			}
			if got, want := u.Logins, 2; got != want {
				t.Errorf("got Logins %d; want %d", got, want)
			}
		})
	}
}

func TestPlatformRefresh(t *testing.T) {
	app := DemoPlatformApp()
	tests := []struct {
		name       string
		advance    time.Duration
		token      func(refresh string) string
		user, pass string
		wantCode   int
		wantError  string
	}{
		{"ok", 0, func(r string) string { return r }, app.ID, app.Secret, http.StatusOK, ""},
		{"no app credentials", 0, func(r string) string { return r }, "", "", http.StatusUnauthorized, "invalid_client"},
		{"unknown token", 0, func(string) string { return "nope" }, app.ID, app.Secret, http.StatusBadRequest, "invalid_grant"},
		{"expired", 30*24*time.Hour + time.Second, func(r string) string { return r }, app.ID, app.Secret, http.StatusBadRequest, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			status, body := e.provision(t, e.s.ProvisionPath(), e.appToken(t), e.tokens(t)["id_token"].(string))
			if status != http.StatusOK {
				t.Fatalf("provision: got status %d", status)
			}
			e.clock.Advance(tt.advance)
			form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tt.token(body["refresh_token"].(string))}}
			status, rbody := post(t, e.s.PlatformURL()+"/oauth/token", form, tt.user, tt.pass)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			if tt.wantError != "" {
				if got, want := rbody["error"], tt.wantError; got != want {
					t.Errorf("got error %v; want %v", got, want)
				}
				return
			}
			if got, want := rbody["scope"], "site_36_internalApi"; got != want {
				t.Errorf("got scope %v; want %v", got, want)
			}
			if got := rbody["access_token"]; got == body["access_token"] {
				t.Errorf("got the same access token after refresh; want a new one")
			}
			if got, want := e.s.Counts().PlatformRefresh, 1; got != want {
				t.Errorf("got Counts().PlatformRefresh %d; want %d", got, want)
			}
		})
	}
}
