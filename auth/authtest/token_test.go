package authtest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCodeExchange(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(e *env, form url.Values)
		wantCode  int
		wantError string
	}{
		{"ok", func(*env, url.Values) {}, http.StatusOK, ""},
		{"wrong verifier", func(_ *env, f url.Values) {
			other, _ := newPKCE()
			f.Set("code_verifier", other)
		}, http.StatusBadRequest, "invalid_grant"},
		{"missing verifier", func(_ *env, f url.Values) { f.Del("code_verifier") }, http.StatusBadRequest, "invalid_request"},
		{"other redirect_uri", func(_ *env, f url.Values) { f.Set("redirect_uri", "http://localhost:1/callback") }, http.StatusBadRequest, "invalid_grant"},
		{"unknown code", func(_ *env, f url.Values) { f.Set("code", "nope") }, http.StatusBadRequest, "invalid_grant"},
		{"expired code", func(e *env, _ url.Values) { e.clock.Advance(codeTTL + time.Second) }, http.StatusBadRequest, "invalid_grant"},
		{"unknown client", func(_ *env, f url.Values) { f.Set("client_id", "nope") }, http.StatusUnauthorized, "invalid_client"},
		{"public client sends a secret", func(_ *env, f url.Values) { f.Set("client_secret", "x") }, http.StatusUnauthorized, "invalid_client"},
		{"unsupported grant", func(_ *env, f url.Values) { f.Set("grant_type", "urn:ietf:params:oauth:grant-type:device_code") }, http.StatusBadRequest, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			code, verifier := e.signIn(t, designer())
			form := url.Values{
				"grant_type": {"authorization_code"}, "client_id": {testClientID}, "code": {code},
				"redirect_uri": {e.cb.URI}, "code_verifier": {verifier},
			}
			tt.edit(e, form)
			status, body := post(t, e.s.URL()+"/oauth2/token", form, "", "")
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d (%v); want %d", got, body["error"], want)
			}
			if got, want := body["error"], any(tt.wantError); tt.wantError != "" && got != want {
				t.Errorf("got error %v; want %v", got, want)
			}
		})
	}
}

// TestPKCEOptional: as at Cognito, a code requested without PKCE is
// redeemed without a verifier; one requested with S256 needs the right
// verifier; a verifier for a code issued without a challenge is refused.
// Counts.AuthorizeWithoutPKCE counts the authorize requests without one.
func TestPKCEOptional(t *testing.T) {
	tests := []struct {
		name      string
		pkce      bool   // the authorize request sends an S256 challenge
		verifier  string // "right", "wrong" or "" (none sent)
		wantCode  int
		wantError string
	}{
		{"s256 with its verifier", true, "right", http.StatusOK, ""},
		{"s256 without verifier", true, "", http.StatusBadRequest, "invalid_request"},
		{"s256 with another verifier", true, "wrong", http.StatusBadRequest, "invalid_grant"},
		{"no pkce, no verifier", false, "", http.StatusOK, ""},
		{"no pkce, a verifier", false, "wrong", http.StatusBadRequest, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			right, challenge := newPKCE()
			q := authorizeQuery(testClientID, e.cb.URI, challenge)
			if !tt.pkce {
				q.Del("code_challenge")
				q.Del("code_challenge_method")
			}
			if err := designer().Open(context.Background(), e.s.URL()+"/oauth2/authorize?"+q.Encode()); err != nil {
				t.Fatalf("Browser.Open: %v", err)
			}
			code := e.cb.Query().Get("code")
			if code == "" {
				t.Fatalf("callback got no code: %v", e.cb.Query())
			}
			form := url.Values{
				"grant_type": {"authorization_code"}, "client_id": {testClientID}, "code": {code},
				"redirect_uri": {e.cb.URI},
			}
			switch tt.verifier {
			case "right":
				form.Set("code_verifier", right)
			case "wrong":
				other, _ := newPKCE()
				form.Set("code_verifier", other)
			}
			status, body := post(t, e.s.URL()+"/oauth2/token", form, "", "")
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d (%v); want %d", got, body["error"], want)
			}
			if got, want := body["error"], any(tt.wantError); tt.wantError != "" && got != want {
				t.Errorf("got error %v; want %v", got, want)
			}
			if tt.wantCode == http.StatusOK && body["id_token"] == nil {
				t.Errorf("got no id_token")
			}
			wantWithout := 0
			if !tt.pkce {
				wantWithout = 1
			}
			if got, want := e.s.Counts().AuthorizeWithoutPKCE, wantWithout; got != want {
				t.Errorf("got Counts().AuthorizeWithoutPKCE %d; want %d", got, want)
			}
		})
	}
}

func TestCodeIsSingleUse(t *testing.T) {
	e := newEnv(t, nil)
	code, verifier := e.signIn(t, designer())
	if status, _ := e.exchange(t, code, verifier); status != http.StatusOK {
		t.Fatalf("first use: got status %d; want 200", status)
	}
	status, body := e.exchange(t, code, verifier)
	if got, want := status, http.StatusBadRequest; got != want {
		t.Errorf("second use: got status %d; want %d", got, want)
	}
	if got, want := body["error"], "invalid_grant"; got != want {
		t.Errorf("second use: got error %v; want %v", got, want)
	}
	if got, want := e.s.Counts().CodeGrant, 2; got != want {
		t.Errorf("got Counts().CodeGrant %d; want %d", got, want)
	}
}

func TestConfidentialClient(t *testing.T) {
	const secret = "s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0ab"
	tests := []struct {
		name       string
		user, pass string // HTTP Basic
		formSecret string
		wantCode   int
	}{
		{"basic", testClientID, secret, "", http.StatusOK},
		{"client_secret_post", "", "", secret, http.StatusOK},
		{"no secret", "", "", "", http.StatusUnauthorized},
		{"wrong basic secret", testClientID, "wrong", "", http.StatusUnauthorized},
		{"wrong post secret", "", "", "wrong", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Clients[0].Secret = secret })
			code, verifier := e.signIn(t, designer())
			form := url.Values{
				"grant_type": {"authorization_code"}, "client_id": {testClientID}, "code": {code},
				"redirect_uri": {e.cb.URI}, "code_verifier": {verifier},
			}
			if tt.formSecret != "" {
				form.Set("client_secret", tt.formSecret)
			}
			status, body := post(t, e.s.URL()+"/oauth2/token", form, tt.user, tt.pass)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			if status == http.StatusUnauthorized {
				if got, want := body["error"], "invalid_client"; got != want {
					t.Errorf("got error %v; want %v", got, want)
				}
			}
		})
	}
}

func TestTokenShapes(t *testing.T) {
	e := newEnv(t, nil)
	body := e.tokens(t)
	if got, want := body["token_type"], "Bearer"; got != want {
		t.Errorf("got token_type %v; want %v", got, want)
	}
	if got, want := body["expires_in"], 3600.0; got != want {
		t.Errorf("got expires_in %v; want %v", got, want)
	}
	refresh, _ := body["refresh_token"].(string)
	if got, want := strings.Count(refresh, "."), 4; got != want {
		t.Errorf("got %d dots in refresh token; want %d", got, want)
	}
	if got := len(refresh); got < 1500 || got > 2100 {
		t.Errorf("got refresh token length %d; want about 1.8 KB", got)
	}

	access := body["access_token"].(string)
	id := payload(t, body["id_token"].(string))
	sum := sha256.Sum256([]byte(access))
	wantID := map[string]any{
		"aud": testClientID, "iss": e.s.Issuer(), "token_use": "id", "nonce": testNonce,
		"cognito:username": "designer", "email": "designer@example.com", "email_verified": true,
		"custom:access_right": "Local Company", "given_name": "Dana", "family_name": "Designer",
		"at_hash": base64.RawURLEncoding.EncodeToString(sum[:16]),
		"exp":     float64(e.clock.Now().Add(time.Hour).Unix()),
	}
	for k, want := range wantID {
		if got := id[k]; got != want {
			t.Errorf("id_token %s: got %v; want %v", k, got, want)
		}
	}
	if got, ok := id["cognito:groups"].([]any); !ok || len(got) != 2 {
		t.Errorf("id_token cognito:groups: got %v; want 2 groups", id["cognito:groups"])
	}
	for _, k := range []string{"sub", "jti", "origin_jti", "event_id", "auth_time", "iat"} {
		if _, ok := id[k]; !ok {
			t.Errorf("id_token: missing %s", k)
		}
	}

	at := payload(t, access)
	wantAccess := map[string]any{
		"token_use": "access", "client_id": testClientID, "username": "designer",
		"scope": "openid email profile", "iss": e.s.Issuer(), "origin_jti": id["origin_jti"],
	}
	for k, want := range wantAccess {
		if got := at[k]; got != want {
			t.Errorf("access_token %s: got %v; want %v", k, got, want)
		}
	}
	if _, ok := at["aud"]; ok {
		t.Errorf("access_token: got aud %v; want none", at["aud"])
	}
}

func TestUserInfo(t *testing.T) {
	e := newEnv(t, nil)
	body := e.tokens(t)
	tests := []struct {
		name     string
		token    string
		wantCode int
	}{
		{"access token", body["access_token"].(string), http.StatusOK},
		{"id token", body["id_token"].(string), http.StatusUnauthorized},
		{"garbage", "abc", http.StatusUnauthorized},
		{"none", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.s.URL()+"/oauth2/userInfo", nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			status, info := send(t, req)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("got status %d; want %d", got, want)
			}
			if status == http.StatusOK {
				if got, want := info["email_verified"], "true"; got != want {
					t.Errorf("got email_verified %v; want %v", got, want)
				}
				if got, want := info["username"], "designer"; got != want {
					t.Errorf("got username %v; want %v", got, want)
				}
			}
		})
	}
}
