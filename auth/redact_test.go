package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/config"
)

// echoProvider is an identity provider whose token and revocation
// endpoints answer 400 with every value the request carried (form and
// Basic credentials) in error_description, plus terminal escapes.
func echoProvider(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			_ = json.NewEncoder(w).Encode(map[string]string{
				"issuer": srv.URL, "authorization_endpoint": srv.URL + "/authorize",
				"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/jwks", "revocation_endpoint": srv.URL + "/revoke",
			})
			return
		}
		_ = r.ParseForm()
		var sent []string
		for k, vs := range r.PostForm {
			sent = append(sent, k+"="+strings.Join(vs, ","))
		}
		if auth := r.Header.Get("Authorization"); auth != "" {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			sent = append(sent, "basic="+string(raw))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"error":             "invalid_request\x1b[31m",
			"error_description": "\x1b]0;pwned\x07you sent " + strings.Join(sent, " ") + "\u202e",
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProviderErrorsRedactSentValues: whatever the provider echoes back,
// no value the request sent (code, PKCE verifier, refresh token, client
// secret) and no control or bidi character reaches the error text.
func TestProviderErrorsRedactSentValues(t *testing.T) {
	srv := echoProvider(t)
	const secret, rt, code, verifier = "client-s3cret-value", "rt-s3cret-value", "code-s3cret-value", "verifier-s3cret-value-0123456789abcdefghijklmn"
	p := &Provider{Profile: config.Profile{Name: "t", Issuer: srv.URL, ClientID: "client-1", Platform: config.Platform{Kind: config.KindNone}}.WithDefaults(),
		ClientSecret: secret, HTTP: srv.Client()}
	m, err := p.Metadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, public := range []bool{false, true} {
		sec := secret
		if public {
			sec = ""
		}
		for name, call := range map[string]func() error{
			"code exchange": func() error {
				_, err := redeem(context.Background(), srv.Client(), oauthConfig(m, "client-1", sec, "http://localhost:1/cb", nil), code, verifier)
				return err
			},
			"refresh": func() error { p.ClientSecret = sec; _, err := p.Refresh(context.Background(), rt); return err },
			"revoke":  func() error { p.ClientSecret = sec; return p.Revoke(context.Background(), rt) },
		} {
			t.Run(fmt.Sprintf("%s, public %v", name, public), func(t *testing.T) {
				err := call()
				if err == nil {
					t.Fatal("got nil; want the provider's error")
				}
				msg := err.Error()
				if !strings.Contains(msg, "you sent") || !strings.Contains(msg, "[redacted]") {
					t.Errorf("message %q: want the provider's text with the sent values redacted", msg)
				}
				for _, v := range []string{secret, rt, code, verifier, "\x1b", "\x07", "\u202e"} {
					if strings.Contains(msg, v) {
						t.Errorf("message %q contains %q", msg, v)
					}
				}
			})
		}
	}
}
