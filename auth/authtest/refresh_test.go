package authtest

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func refreshForm(token string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "client_id": {testClientID}, "refresh_token": {token}}
}

func TestRefresh(t *testing.T) {
	type step struct {
		advance     time.Duration
		useOriginal bool // refresh with the first refresh token, else the latest one
		wantCode    int
		wantRotated bool
	}
	tests := []struct {
		name   string
		rotate bool
		grace  time.Duration
		steps  []step
	}{
		{"no rotation reuses the token", false, 0, []step{
			{0, true, http.StatusOK, false},
			{time.Hour, true, http.StatusOK, false},
		}},
		{"no rotation ends at the refresh ttl", false, 0, []step{
			{30*24*time.Hour + time.Second, true, http.StatusBadRequest, false},
		}},
		{"rotation without grace", true, 0, []step{
			{0, true, http.StatusOK, true},
			{time.Second, true, http.StatusBadRequest, false},
			{0, false, http.StatusOK, true},
		}},
		{"rotation within grace", true, 30 * time.Second, []step{
			{0, true, http.StatusOK, true},
			{29 * time.Second, true, http.StatusOK, true},
			{2 * time.Second, true, http.StatusBadRequest, false},
		}},
		{"rotated token keeps the original end", true, 0, []step{
			{29 * 24 * time.Hour, false, http.StatusOK, true},
			{24*time.Hour + time.Second, false, http.StatusBadRequest, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.RotateRefreshTokens, o.RefreshGrace = tt.rotate, tt.grace })
			first := e.tokens(t)["refresh_token"].(string)
			latest := first
			for i, st := range tt.steps {
				e.clock.Advance(st.advance)
				token := latest
				if st.useOriginal {
					token = first
				}
				status, body := post(t, e.s.URL()+"/oauth2/token", refreshForm(token), "", "")
				if got, want := status, st.wantCode; got != want {
					t.Fatalf("step %d: got status %d (%v); want %d", i, got, body["error"], want)
				}
				if status != http.StatusOK {
					if got, want := body["error"], "invalid_grant"; got != want {
						t.Errorf("step %d: got error %v; want %v", i, got, want)
					}
					continue
				}
				next, rotated := body["refresh_token"].(string)
				if got, want := rotated, st.wantRotated; got != want {
					t.Errorf("step %d: got refresh_token in response %v; want %v", i, got, want)
				}
				if rotated {
					latest = next
				}
				if _, ok := payload(t, body["id_token"].(string))["nonce"]; ok {
					t.Errorf("step %d: refreshed id_token has a nonce", i)
				}
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	const secret = "confidential0secret0confidential0secret0confidential"
	tests := []struct {
		name       string
		secret     string // client secret; "" = public client
		token      func(body map[string]any) string
		basic      bool
		wantCode   int
		wantError  string
		wantRevoke bool
	}{
		{"public client", "", refreshOf, false, http.StatusOK, "", true},
		{"confidential with basic", secret, refreshOf, true, http.StatusOK, "", true},
		{"confidential without auth", secret, refreshOf, false, http.StatusUnauthorized, "invalid_client", false},
		{"access token", "", func(b map[string]any) string { return b["access_token"].(string) }, false, http.StatusBadRequest, "unsupported_token_type", false},
		{"unknown token", "", func(map[string]any) string { return "a.b.c.d.e" }, false, http.StatusOK, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Clients[0].Secret = tt.secret })
			code, verifier := e.signIn(t, designer())
			form := url.Values{
				"grant_type": {"authorization_code"}, "client_id": {testClientID}, "code": {code},
				"redirect_uri": {e.cb.URI}, "code_verifier": {verifier},
			}
			basicUser := ""
			if tt.secret != "" {
				basicUser = testClientID
			}
			status, body := post(t, e.s.URL()+"/oauth2/token", form, basicUser, tt.secret)
			if status != http.StatusOK {
				t.Fatalf("code exchange: got status %d", status)
			}
			user, pass := "", ""
			if tt.basic {
				user, pass = testClientID, tt.secret
			}
			status, rbody := post(t, e.s.URL()+"/oauth2/revoke", url.Values{"token": {tt.token(body)}, "client_id": {testClientID}}, user, pass)
			if got, want := status, tt.wantCode; got != want {
				t.Fatalf("revoke: got status %d; want %d", got, want)
			}
			if got, want := rbody["error"], any(tt.wantError); tt.wantError != "" && got != want {
				t.Errorf("revoke: got error %v; want %v", got, want)
			}

			// After a revoke, the refresh token and the access token it came with are dead.
			status, _ = post(t, e.s.URL()+"/oauth2/token", refreshForm(refreshOf(body)), user, pass)
			if got, want := status == http.StatusBadRequest, tt.wantRevoke; got != want {
				t.Errorf("refresh after revoke: got rejected %v; want %v", got, want)
			}
			req, _ := http.NewRequest(http.MethodGet, e.s.URL()+"/oauth2/userInfo", nil)
			req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
			status, _ = send(t, req)
			if got, want := status == http.StatusUnauthorized, tt.wantRevoke; got != want {
				t.Errorf("userInfo after revoke: got rejected %v; want %v", got, want)
			}
		})
	}
}

func refreshOf(body map[string]any) string { return body["refresh_token"].(string) }
