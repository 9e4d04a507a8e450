package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ssohelper/ssohelper/auth/handoff"
)

// fakeTokens hands out a fixed token, or sign_in_required when signedOut.
type fakeTokens struct {
	mu        sync.Mutex
	signedOut bool
	asked     []string
}

func (f *fakeTokens) Token(_ context.Context, profile string, _ time.Duration) (handoff.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.signedOut {
		return handoff.Token{}, fmt.Errorf("no sign-in: %w", ErrSignInRequired)
	}
	return handoff.Token{Token: "tok-" + profile, Type: "Bearer", Kind: "platform", Profile: profile, User: "dana@example.com"}, nil
}

func (f *fakeTokens) SignIn(_ context.Context, profile string) error {
	f.mu.Lock()
	f.asked = append(f.asked, profile)
	f.mu.Unlock()
	return nil
}

// memStore keeps plugins in memory and counts saves.
type memStore struct {
	mu    sync.Mutex
	list  []Plugin
	saves int
}

func (m *memStore) Load(context.Context) ([]Plugin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Plugin(nil), m.list...), nil
}

func (m *memStore) Save(_ context.Context, l []Plugin) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list, m.saves = append([]Plugin(nil), l...), m.saves+1
	return nil
}

type fixture struct {
	t      *testing.T
	s      *Server
	tokens *fakeTokens
	store  *memStore
	base   string
	audit  *bytes.Buffer
	mu     sync.Mutex
	now    time.Time
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	f := &fixture{t: t, tokens: &fakeTokens{}, store: &memStore{}, audit: &bytes.Buffer{}, now: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	o := Options{Port: port, Version: "test", Profile: "work", Tokens: f.tokens, Store: f.store, Audit: &lockedWriter{w: f.audit},
		AdminTokenPath: t.TempDir() + "/bridge.token", Now: f.clock}
	if mod != nil {
		mod(&o)
	}
	s, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.s, f.base = s, fmt.Sprintf("http://127.0.0.1:%d", port)
	return f
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// call sends a request; hdr holds extra headers ("Host" sets the Host).
func (f *fixture) call(method, path, body string, hdr map[string]string) (int, http.Header, map[string]any) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

// pair runs a whole pairing, approved, and returns the plugin's secret.
func (f *fixture) pair(id string) string {
	f.t.Helper()
	code, _, out := f.call("POST", "/v1/pair", `{"id":"`+id+`","name":"Asset Browser"}`, nil)
	if code != http.StatusAccepted {
		f.t.Fatalf("pair: %d %v", code, out)
	}
	if _, err := f.s.Decide(context.Background(), out["code"].(string), true); err != nil {
		f.t.Fatal(err)
	}
	code, _, st := f.call("GET", "/v1/pair/"+out["request"].(string), "", nil)
	if code != 200 || st["status"] != "approved" || st["secret"] == nil {
		f.t.Fatalf("pair status: %d %v", code, st)
	}
	return st["secret"].(string)
}

func TestHello(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Desktop = true })
	code, _, out := f.call("GET", "/v1/hello", "", nil)
	if code != 200 || out["helper"] != "ssohelper" || out["api"] != float64(1) || out["desktop"] != true || len(out) != 4 {
		t.Errorf("hello: %d %v", code, out)
	}
}

func TestPairingAndToken(t *testing.T) {
	f := newFixture(t, nil)
	asked := make(chan PairRequest, 1)
	f.s.o.Ask = func(r PairRequest) { asked <- r }
	code, _, out := f.call("POST", "/v1/pair", `{"id":"com.example.assets","name":"Asset <b>Browser</b>","profile":"work"}`, nil)
	if code != http.StatusAccepted || len(out["code"].(string)) != 4 {
		t.Fatalf("pair: %d %v", code, out)
	}
	req := <-asked
	if req.Code != out["code"] || req.Name != "Asset <b>Browser</b>" || req.Profile != "work" {
		t.Errorf("the user was asked about %+v", req)
	}
	if p := f.s.Pending(); len(p) != 1 || p[0].ID != "com.example.assets" {
		t.Errorf("pending: %+v", p)
	}
	rid := out["request"].(string)
	if code, _, st := f.call("GET", "/v1/pair/"+rid, "", nil); code != 200 || st["status"] != "pending" || st["secret"] != nil {
		t.Errorf("before the answer: %d %v", code, st)
	}
	if _, err := f.s.Decide(context.Background(), "0000x", true); !errors.Is(err, ErrNoRequest) {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := f.s.Decide(context.Background(), req.Code, true); err != nil {
		t.Fatal(err)
	}
	_, _, st := f.call("GET", "/v1/pair/"+rid, "", nil)
	secret, _ := st["secret"].(string)
	if st["status"] != "approved" || len(secret) != 64 {
		t.Fatalf("approved: %v", st)
	}
	if code, _, _ := f.call("GET", "/v1/pair/"+rid, "", nil); code != http.StatusNotFound {
		t.Errorf("the secret could be collected twice: %d", code)
	}
	code, _, tok := f.call("GET", "/v1/token", "", map[string]string{"Authorization": "Bearer " + secret})
	if code != 200 || tok["token"] != "tok-work" || tok["type"] != "Bearer" || tok["user"] != "dana@example.com" {
		t.Errorf("token: %d %v", code, tok)
	}
	ps := f.s.Plugins()
	if len(ps) != 1 || ps[0].TokenCount != 1 || ps[0].SecretHash != "" || ps[0].LastToken.IsZero() {
		t.Errorf("plugins: %+v", ps)
	}
	if f.store.list[0].SecretHash != hashSecret(secret) || strings.Contains(fmt.Sprint(f.store.list), secret) {
		t.Error("the store does not hold the secret's hash alone")
	}
	if strings.Contains(f.audit.String(), secret) || strings.Contains(f.audit.String(), "tok-work") {
		t.Error("the audit log holds a secret or token")
	}
	for _, ev := range []string{"pair_requested", "pair_approved", `"event":"token"`} {
		if !strings.Contains(f.audit.String(), ev) {
			t.Errorf("audit log lacks %s:\n%s", ev, f.audit.String())
		}
	}

	// A restart loads the pairing from the store.
	s2, err := New(context.Background(), f.s.o)
	if err != nil {
		t.Fatal(err)
	}
	s2.mu.Lock()
	found := s2.pluginBySecret(secret)
	s2.mu.Unlock()
	if found == nil || found.ID != "com.example.assets" {
		t.Error("the pairing did not survive a restart")
	}

	// Signed out: a typed answer, and the plugin may ask for a sign-in.
	f.tokens.signedOut = true
	if code, _, out := f.call("GET", "/v1/token", "", map[string]string{"Authorization": "Bearer " + secret}); code != http.StatusConflict || out["error"] != "sign_in_required" {
		t.Errorf("signed out: %d %v", code, out)
	}
	if code, _, _ := f.call("POST", "/v1/sign-in", "", map[string]string{"Authorization": "Bearer " + secret}); code != http.StatusAccepted || len(f.tokens.asked) != 1 {
		t.Errorf("sign-in ask: %d, asked %v", code, f.tokens.asked)
	}
	if code, _, _ := f.call("POST", "/v1/sign-in", "", map[string]string{"Authorization": "Bearer " + secret}); code != http.StatusTooManyRequests {
		t.Errorf("a second sign-in ask at once: %d; want 429", code)
	}

	// Revoked: refused at once.
	if err := f.s.Revoke(context.Background(), "com.example.assets"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := f.call("GET", "/v1/token", "", map[string]string{"Authorization": "Bearer " + secret}); code != http.StatusUnauthorized {
		t.Errorf("revoked: %d; want 401", code)
	}
}

func TestPairingDenyAndExpire(t *testing.T) {
	f := newFixture(t, nil)
	_, _, a := f.call("POST", "/v1/pair", `{"id":"a","name":"A"}`, nil)
	_, _, b := f.call("POST", "/v1/pair", `{"id":"b","name":"B"}`, nil)
	if _, err := f.s.Decide(context.Background(), a["code"].(string), false); err != nil {
		t.Fatal(err)
	}
	if _, _, st := f.call("GET", "/v1/pair/"+a["request"].(string), "", nil); st["status"] != "denied" || st["secret"] != nil {
		t.Errorf("denied: %v", st)
	}
	f.advance(2*time.Minute + time.Second)
	if _, _, st := f.call("GET", "/v1/pair/"+b["request"].(string), "", nil); st["status"] != "expired" {
		t.Errorf("expired: %v", st)
	}
	if _, err := f.s.Decide(context.Background(), b["code"].(string), true); !errors.Is(err, ErrNoRequest) {
		t.Errorf("approving an expired request: %v", err)
	}
	if len(f.s.Plugins()) != 0 {
		t.Error("a denied or expired request paired")
	}
}

// TestGuards: each request is refused before anything happens, and no
// secret, token or CORS header leaks.
func TestGuards(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.Origins = []string{"https://plugins.example.com"} })
	secret := f.pair("p1")
	auth := "Bearer " + secret
	for _, tc := range []struct {
		name         string
		method, path string
		body         string
		hdr          map[string]string
		want         int
		errCode      string
	}{
		{"rebinding host", "GET", "/v1/hello", "", map[string]string{"Host": "evil.example:1234"}, 421, "bad_host"},
		{"host with another port", "GET", "/v1/token", "", map[string]string{"Host": "127.0.0.1:1", "Authorization": auth}, 421, "bad_host"},
		{"web origin, hello", "GET", "/v1/hello", "", map[string]string{"Origin": "https://evil.example"}, 403, "origin_refused"},
		{"web origin, token", "GET", "/v1/token", "", map[string]string{"Origin": "http://localhost:8080", "Authorization": auth}, 403, "origin_refused"},
		{"null origin, pair", "POST", "/v1/pair", `{"id":"x","name":"X"}`, map[string]string{"Origin": "null"}, 403, "origin_refused"},
		{"web origin, events", "GET", "/v1/events", "", map[string]string{"Origin": "https://evil.example", "Upgrade": "websocket", "Connection": "Upgrade"}, 403, "origin_refused"},
		{"no secret", "GET", "/v1/token", "", nil, 401, "unauthorized"},
		{"wrong secret", "GET", "/v1/token", "", map[string]string{"Authorization": "Bearer " + strings.Repeat("0", 64)}, 401, "unauthorized"},
		{"basic auth", "GET", "/v1/token", "", map[string]string{"Authorization": "Basic " + secret}, 401, "unauthorized"},
		{"bad plugin id", "POST", "/v1/pair", `{"id":"../x","name":"X"}`, nil, 400, "bad_request"},
		{"unknown field", "POST", "/v1/pair", `{"id":"x","name":"X","admin":true}`, nil, 400, "bad_request"},
		{"huge body", "POST", "/v1/pair", `{"id":"x","name":"` + strings.Repeat("A", 8000) + `"}`, nil, 413, "too_large"},
		{"bad min_valid", "GET", "/v1/token?min_valid=forever", "", map[string]string{"Authorization": auth}, 400, "bad_request"},
		{"admin without token", "GET", "/v1/admin/plugins", "", nil, 401, "unauthorized"},
		{"admin with a plugin secret", "POST", "/v1/admin/approve", `{"code":"1234"}`, map[string]string{"Authorization": auth}, 401, "unauthorized"},
		{"events without upgrade", "GET", "/v1/events", "", nil, 426, "websocket_required"},
	} {
		code, h, out := f.call(tc.method, tc.path, tc.body, tc.hdr)
		if code != tc.want || out["error"] != tc.errCode {
			t.Errorf("%s: %d %v; want %d %s", tc.name, code, out, tc.want, tc.errCode)
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: a CORS header was sent", tc.name)
		}
		if _, ok := out["token"]; ok {
			t.Errorf("%s: a token leaked", tc.name)
		}
	}
	// The allow-listed origin works, with CORS for it alone; a plugin's
	// own origin (not a web one) is recorded.
	code, h, out := f.call("GET", "/v1/token", "", map[string]string{"Origin": "https://plugins.example.com", "Authorization": auth})
	if code != 200 || h.Get("Access-Control-Allow-Origin") != "https://plugins.example.com" || out["token"] != "tok-work" {
		t.Errorf("allowed origin: %d %v %v", code, h, out)
	}
	if code, _, _ := f.call("GET", "/v1/token", "", map[string]string{"Origin": "uxp://com.example.assets", "Authorization": auth}); code != 200 {
		t.Errorf("plugin origin: %d", code)
	}
	if p := f.s.Plugins(); p[0].Origin != "uxp://com.example.assets" {
		t.Errorf("recorded origin %q", p[0].Origin)
	}
	if _, err := New(context.Background(), Options{Tokens: f.tokens, Store: f.store, Origins: []string{"plugins.example.com"}}); err == nil {
		t.Error("an origin without a scheme was accepted")
	}
}

func TestRateLimits(t *testing.T) {
	f := newFixture(t, nil)
	var codes []int
	for i := range 5 {
		code, _, _ := f.call("POST", "/v1/pair", fmt.Sprintf(`{"id":"p%d","name":"P"}`, i), nil)
		codes = append(codes, code)
	}
	if codes[0] != 202 || codes[2] != 202 || codes[3] != 429 {
		t.Errorf("pairing flood: %v; want 3 accepted, then 429", codes)
	}
	var last int
	for range 12 {
		last, _, _ = f.call("GET", "/v1/token", "", map[string]string{"Authorization": "Bearer guess"})
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("guessing secrets: last answer %d; want 429", last)
	}
}

// TestPush: a paired plugin's WebSocket authenticates with its first
// message, hears events of its profile, and is told and closed on revoke;
// a wrong secret is closed at once.
func TestPush(t *testing.T) {
	f := newFixture(t, nil)
	secret := f.pair("p1")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws := "ws" + strings.TrimPrefix(f.base, "http") + "/v1/events"

	bad, _, err := websocket.Dial(ctx, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = wsjson.Write(ctx, bad, map[string]string{"type": "auth", "secret": "nope"})
	var m map[string]any
	if err := wsjson.Read(ctx, bad, &m); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("wrong secret: %v, %v", m, err)
	}

	c, _, err := websocket.Dial(ctx, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := wsjson.Write(ctx, c, map[string]string{"type": "auth", "secret": secret}); err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Read(ctx, c, &m); err != nil || m["type"] != "ready" || m["plugin"] != "p1" {
		t.Fatalf("ready: %v %v", m, err)
	}
	f.s.Publish(Event{Type: EventTokenRefreshed, Profile: "other"})
	f.s.Publish(Event{Type: EventTokenRefreshed, Profile: "work"})
	if err := wsjson.Read(ctx, c, &m); err != nil || m["type"] != EventTokenRefreshed || m["profile"] != "work" {
		t.Fatalf("event: %v %v", m, err)
	}
	if err := f.s.Revoke(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Read(ctx, c, &m); err != nil || m["type"] != EventPluginRevoked {
		t.Fatalf("revoked event: %v %v", m, err)
	}
	if err := wsjson.Read(ctx, c, &m); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after revocation: %v; want a normal close", err)
	}
}

// TestAdminAPI: the admin token file is the user's alone, and the admin
// API approves and revokes.
func TestAdminAPI(t *testing.T) {
	f := newFixture(t, nil)
	tok, err := ReadAdminToken(f.s.o.AdminTokenPath)
	if err != nil || len(tok) != 64 {
		t.Fatalf("admin token: %q %v", tok, err)
	}
	_, _, p := f.call("POST", "/v1/pair", `{"id":"p1","name":"P"}`, nil)
	adm := map[string]string{"Authorization": "Bearer " + tok}
	if code, _, out := f.call("GET", "/v1/admin/pending", "", adm); code != 200 || len(out["pending"].([]any)) != 1 {
		t.Errorf("pending: %d %v", code, out)
	}
	if code, _, _ := f.call("POST", "/v1/admin/approve", `{"code":"`+p["code"].(string)+`"}`, adm); code != 200 {
		t.Errorf("approve: %d", code)
	}
	if code, _, out := f.call("GET", "/v1/admin/plugins", "", adm); code != 200 || len(out["plugins"].([]any)) != 1 {
		t.Errorf("plugins: %d %v", code, out)
	}
	if code, _, _ := f.call("POST", "/v1/admin/revoke", `{"id":"p1"}`, adm); code != 200 || len(f.s.Plugins()) != 0 {
		t.Errorf("revoke: %d", code)
	}
	if code, _, _ := f.call("POST", "/v1/admin/revoke", `{"id":"p1"}`, adm); code != 404 {
		t.Errorf("revoke again: %d; want 404", code)
	}
	f.s.Close()
	if _, err := ReadAdminToken(f.s.o.AdminTokenPath); err == nil {
		t.Error("the admin token file outlived the bridge")
	}
}

// TestPortBusy: a second bridge on the same port says so.
func TestPortBusy(t *testing.T) {
	f := newFixture(t, nil)
	s2, err := New(context.Background(), Options{Port: f.s.Port(), Tokens: f.tokens, Store: f.store})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Listen(); !errors.Is(err, ErrPortBusy) {
		t.Errorf("second bridge: %v; want ErrPortBusy", err)
	}
}
