package authtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testClientID = "1test0client0authtest0abcd"
	testNonce    = "n-0S6_WzA2Mj"
	testState    = "af0ifjsldkj"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// callback is a stand-in for the app's loopback server.
type callback struct {
	URI       string // http://localhost:<port>/callback
	LogoutURI string // http://localhost:<port>/signed-out
	mu        sync.Mutex
	got       url.Values
}

func newCallback(t *testing.T) *callback {
	t.Helper()
	cb := &callback{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb.mu.Lock()
		cb.got = r.URL.Query()
		cb.mu.Unlock()
		_, _ = io.WriteString(w, "signed in")
	}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	cb.URI = "http://localhost:" + port + "/callback"
	cb.LogoutURI = "http://localhost:" + port + "/signed-out"
	return cb
}

func (cb *callback) Query() url.Values {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return cb.got
}

// env is a running emulator with a test client registered for cb.
type env struct {
	s     *Server
	cb    *callback
	clock *fakeClock
}

// newEnv starts a server with a public test client whose callback is a local
// httptest server; edit adjusts the options first.
func newEnv(t *testing.T, edit func(*Options)) *env {
	t.Helper()
	cb := newCallback(t)
	clock := newFakeClock()
	opts := Options{
		Clients: []Client{{ID: testClientID, CallbackURLs: []string{cb.URI}, LogoutURLs: []string{cb.LogoutURI}}},
		Now:     clock.Now,
	}
	if edit != nil {
		edit(&opts)
	}
	s, err := NewServer(opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &env{s: s, cb: cb, clock: clock}
}

func newPKCE() (verifier, challenge string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a valid authorize request for clientID and redirect.
func authorizeQuery(clientID, redirect, challenge string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirect},
		"scope":                 {"openid email profile"},
		"state":                 {testState},
		"nonce":                 {testNonce},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
}

// signIn drives a Browser through the hosted UI and returns the code and verifier.
func (e *env) signIn(t *testing.T, b *Browser) (code, verifier string) {
	t.Helper()
	verifier, challenge := newPKCE()
	u := e.s.URL() + "/oauth2/authorize?" + authorizeQuery(testClientID, e.cb.URI, challenge).Encode()
	if err := b.Open(context.Background(), u); err != nil {
		t.Fatalf("Browser.Open: %v", err)
	}
	code = e.cb.Query().Get("code")
	if code == "" {
		t.Fatalf("callback got no code: %v", e.cb.Query())
	}
	return code, verifier
}

func designer() *Browser { return &Browser{Username: "designer", Password: "Design-2026!"} }

// post sends a form and decodes a JSON object answer.
func post(t *testing.T, rawURL string, form url.Values, basicUser, basicPass string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicUser != "" {
		req.SetBasicAuth(basicUser, basicPass)
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	return resp.StatusCode, body
}

// exchange redeems a code for the public test client.
func (e *env) exchange(t *testing.T, code, verifier string) (int, map[string]any) {
	t.Helper()
	return post(t, e.s.URL()+"/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "client_id": {testClientID}, "code": {code},
		"redirect_uri": {e.cb.URI}, "code_verifier": {verifier},
	}, "", "")
}

// tokens signs in the designer and returns the token response.
func (e *env) tokens(t *testing.T) map[string]any {
	t.Helper()
	code, verifier := e.signIn(t, designer())
	status, body := e.exchange(t, code, verifier)
	if status != http.StatusOK {
		t.Fatalf("code exchange: got status %d body %v; want 200", status, body)
	}
	return body
}

// payload decodes the claims of a JWT without verifying it.
func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("got %d token parts; want 3", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}
