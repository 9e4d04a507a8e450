package platform

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Secrets the tests watch for in errors and logs.
const (
	testIDToken      = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.SIGNATURE-id-token-secret"
	testAppSecret    = "client-app-secret-0123456789"
	testAppToken     = "app-access-token-secret-42"
	testRefreshToken = "platform-refresh-token-secret-7"
	testAccessToken  = "platform-access-token-secret-9"
)

// fakePlatform is a hand-written Encodify: it checks what a real one checks and lets a
// test replace the answer of each endpoint.
type fakePlatform struct {
	srv *httptest.Server

	mu         sync.Mutex
	tokenForms []url.Values
	provisions []string // openIdToken values received
	bearers    []string

	// appToken, provision and refresh, when set, answer instead of the happy path.
	appToken, provision, refresh http.HandlerFunc
}

func newFakePlatform(t *testing.T) *fakePlatform {
	t.Helper()
	f := &fakePlatform{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /encode/oauth/token", f.handleToken)
	mux.HandleFunc("POST /encode/rest/external/site/36/idp/cognito/provisionByOpenIdToken", f.handleProvision)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// client returns an Encodify pointed at the fake.
func (f *fakePlatform) client() *Encodify {
	return &Encodify{BaseURL: f.srv.URL + "/encode/", SiteID: "36", IdP: "cognito",
		ClientAppID: "client-app", ClientAppSecret: testAppSecret, HTTP: f.srv.Client(), Now: fixedNow}
}

func (f *fakePlatform) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.tokenForms = append(f.tokenForms, r.PostForm)
	f.mu.Unlock()
	grant := r.PostForm.Get("grant_type")
	switch {
	case grant == "client_credentials" && f.appToken != nil:
		f.appToken(w, r)
	case grant == "refresh_token" && f.refresh != nil:
		f.refresh(w, r)
	case r.PostForm.Get("client_id") != "client-app" || r.PostForm.Get("client_secret") != testAppSecret:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client", "error_description": "Bad client credentials"})
	case grant == "client_credentials":
		writeJSON(w, http.StatusOK, map[string]any{"access_token": testAppToken, "token_type": "bearer",
			"expires_in": 43199, "scope": "site_36_provisionByOpenIdToken_cognito", "jti": "app-jti"})
	case grant == "refresh_token" && r.PostForm.Get("refresh_token") == testRefreshToken:
		writeJSON(w, http.StatusOK, map[string]any{"access_token": testAccessToken + "-2", "refresh_token": testRefreshToken + "-2",
			"token_type": "bearer", "expires_in": 14400, "scope": "site_36_internalApi", "jti": "jti-2"})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "Invalid refresh token"})
	}
}

func (f *fakePlatform) handleProvision(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		OpenIDToken string `json:"openIdToken"`
	}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.provisions = append(f.provisions, req.OpenIDToken)
	f.bearers = append(f.bearers, r.Header.Get("Authorization"))
	f.mu.Unlock()
	switch {
	case f.provision != nil:
		f.provision(w, r)
	case r.Header.Get("Authorization") != "Bearer "+testAppToken:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": "Invalid access token"})
	case r.Header.Get("Content-Type") != "application/json" || req.OpenIDToken != testIDToken:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_token", "error_description": "OpenId token is not valid"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"access_token": testAccessToken, "refresh_token": testRefreshToken,
			"token_type": "bearer", "scope": "site_36_internalApi", "expires_in": 14400, "jti": "jti-1"})
	}
}

// answer returns a handler that writes status and an OAuth error whose description
// echoes every secret the request carried, as a careless server might.
func answer(status int, code, desc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		echo := strings.Join([]string{desc, r.PostForm.Get("client_secret"), r.PostForm.Get("refresh_token"),
			r.Header.Get("Authorization"), testIDToken}, " ")
		writeJSON(w, status, map[string]any{"error": code, "error_description": echo})
	}
}

// raw returns a handler that writes status and body as they are.
func raw(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
