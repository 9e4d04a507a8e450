package bridge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// The bridge every fuzzed request meets: one paired plugin, one pending
// pairing request, an admin API and one allowed web origin. The seeds
// under testdata/fuzz use these values.
const (
	fuzzSecret    = "3f7a9c1e5b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a"
	fuzzAdmin     = "a0d2f4b6c8e0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2"
	fuzzRequestID = "9e1c3a5b7d9f1e3c5a7b9d1f3e5c7a9b"
	fuzzPairCode  = "4821"
	fuzzPluginID  = "com.example.fuzz"
	fuzzOrigin    = "https://plugins.example.com"
	fuzzToken     = "platform-token-6b86b273ff34fce19d6b804eff5a3f57"
	fuzzLimit     = 10 * time.Second
)

var fuzzNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// FuzzBridgeRequest sends the bridge's handler, guards included, one
// request parsed from the fuzzed bytes as net/http's server parses them.
// Properties: no panic; the handler ends; a foreign Host gets 421 and a
// web Origin other than the allowed one 403, with no CORS header; a CORS
// header only ever names the allowed origin; every JSON answer is valid
// JSON, and an error answer has a code and a printable message; no answer,
// audit line or log line holds the plugin's secret or the admin token;
// tokens and sign-ins are handed out only to the plugin's secret, and the
// store written only with the admin token; a refused request (4xx) changes
// nothing; an accepted pairing request adds one pending request with a
// valid id and a printable name of at most 60 bytes.
func FuzzBridgeRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // net/http answers 400 itself
		}
		req.RemoteAddr = "127.0.0.1:50000"
		b := newFuzzBridge(t)
		plugins, pending := b.snapshot()
		rec := httptest.NewRecorder()
		handled := make(chan struct{})
		go func() {
			defer close(handled)
			b.s.Handler().ServeHTTP(rec, req)
		}()
		select {
		case <-handled:
		case <-time.After(fuzzLimit):
			panic(fmt.Sprintf("the bridge did not answer %q within %v", raw, fuzzLimit))
		}
		resp := rec.Result()
		body := rec.Body.Bytes()

		hostOK := fuzzHostOK(req.Host)
		origin := req.Header.Get("Origin")
		web := origin == "null" || strings.HasPrefix(strings.ToLower(origin), "http://") || strings.HasPrefix(strings.ToLower(origin), "https://")
		switch {
		case !hostOK && resp.StatusCode != http.StatusMisdirectedRequest:
			t.Fatalf("Host %q: status %d; want 421", req.Host, resp.StatusCode)
		case hostOK && web && origin != fuzzOrigin && resp.StatusCode != http.StatusForbidden:
			t.Fatalf("Origin %q: status %d; want 403", origin, resp.StatusCode)
		}
		if acao := resp.Header.Get("Access-Control-Allow-Origin"); acao != "" && (acao != fuzzOrigin || origin != fuzzOrigin) {
			t.Fatalf("CORS header %q for Origin %q", acao, origin)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			fuzzCheckJSON(t, resp.StatusCode, body)
		}
		var headers bytes.Buffer
		_ = resp.Header.Write(&headers)
		// A secret the request carries outside its Authorization header
		// (in a name, a path, an Origin) is the sender's text, which the
		// log may quote; the credential itself must never be logged.
		var logged []string
		auth := strings.Join(req.Header.Values("Authorization"), "\n")
		for _, secret := range []string{fuzzSecret, fuzzAdmin} {
			if bytes.Count(raw, []byte(secret)) == strings.Count(auth, secret) {
				logged = append(logged, secret)
			}
		}
		b.checkNoSecret(t, "answer", string(body)+headers.String(), logged...)

		bearer := fuzzBearer(req)
		if n := b.tokens.calls(); n > 0 && bearer != fuzzSecret {
			t.Fatalf("%d token or sign-in calls for Authorization %q", n, req.Header.Get("Authorization"))
		}
		if n := b.store.saves(); n > 0 && bearer != fuzzAdmin {
			t.Fatalf("the store was written %d times for Authorization %q", n, req.Header.Get("Authorization"))
		}
		plugins2, pending2 := b.snapshot()
		if resp.StatusCode >= 400 {
			if b.tokens.calls() > 0 || !maps.Equal(plugins, plugins2) || !maps.Equal(pending, pending2) {
				t.Fatalf("status %d, yet the bridge changed: plugins %v -> %v, pending %v -> %v, %d token calls",
					resp.StatusCode, plugins, plugins2, pending, pending2, b.tokens.calls())
			}
			return
		}
		if resp.StatusCode == http.StatusAccepted && req.URL.Path == "/v1/pair" {
			b.checkNewPairing(t, pending)
		}
	})
}

// FuzzWSMessage opens the push WebSocket and sends as its first message the
// fuzzed bytes (a text frame, or a binary one), then the fuzzed tail as raw
// bytes (more frames, or garbage), on an in-memory connection.
// Properties: no panic; the handler ends; the bridge answers "ready" for
// exactly the first messages that decode as {"type":"auth","secret":…}
// with the plugin's secret and fit the 4 KiB limit, and then names the
// plugin and its profile; nothing it sends holds the secret; its close
// reason is printable; no subscriber outlives the connection.
func FuzzWSMessage(f *testing.F) {
	f.Fuzz(func(t *testing.T, msg []byte, binaryFrame bool, tail []byte) {
		b := newFuzzBridge(t)
		conn := &fuzzConn{in: bytes.NewReader(append(fuzzFrame(msg, binaryFrame), tail...))}
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:47615/v1/events", nil)
		req.Host = "127.0.0.1:47615"
		for k, v := range map[string]string{"Upgrade": "websocket", "Connection": "Upgrade",
			"Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="} {
			req.Header.Set(k, v)
		}
		w := fuzzHijacker{httptest.NewRecorder(), conn}
		handled := make(chan struct{})
		go func() {
			defer close(handled)
			b.s.Handler().ServeHTTP(w, req)
		}()
		select {
		case <-handled:
		case <-time.After(fuzzLimit):
			panic(fmt.Sprintf("the push handler did not end within %v on %q, %v, %q", fuzzLimit, msg, binaryFrame, tail))
		}
		if n := b.s.Subscribers(); n != 0 {
			t.Fatalf("%d subscribers after the connection ended", n)
		}
		if w.Code != http.StatusSwitchingProtocols {
			t.Fatalf("the upgrade got status %d", w.Code)
		}
		out := conn.written()
		b.checkNoSecret(t, "push", string(out), fuzzSecret, fuzzAdmin)
		texts, closeReason := fuzzServerFrames(t, out)
		var hello struct {
			Type   string `json:"type"`
			Secret string `json:"secret"`
		}
		want := len(msg) <= maxBody && json.Unmarshal(msg, &hello) == nil && hello.Type == "auth" && hello.Secret == fuzzSecret
		got := len(texts) > 0 && strings.Contains(texts[0], `"ready"`)
		if got != want {
			t.Fatalf("first message %q: ready = %v; want %v (server sent %q)", msg, got, want, texts)
		}
		if got && texts[0] != `{"plugin":"`+fuzzPluginID+`","profile":"work","type":"ready"}`+"\n" {
			t.Fatalf("ready message %q", texts[0])
		}
		if sanitize.Text(closeReason) != closeReason {
			t.Fatalf("close reason is not printable: %q", closeReason)
		}
	})
}

// fuzzBridge is a bridge with its fakes and captured audit and log.
type fuzzBridge struct {
	s      *Server
	tokens *fuzzTokens
	store  *fuzzStore
	audit  *fuzzBuffer
	log    *fuzzBuffer
}

func newFuzzBridge(t *testing.T) *fuzzBridge {
	t.Helper()
	b := &fuzzBridge{tokens: &fuzzTokens{}, audit: &fuzzBuffer{}, log: &fuzzBuffer{},
		store: &fuzzStore{list: []Plugin{{ID: fuzzPluginID, Name: "Fuzz Plugin", Profile: "work",
			SecretHash: HashSecret(fuzzSecret), PairedAt: fuzzNow.Add(-time.Hour)}}}}
	s, err := New(context.Background(), Options{Port: 47615, Version: "1.0.0", Profile: "work", Origins: []string{fuzzOrigin},
		Tokens: b.tokens, Store: b.store, Audit: b.audit, Now: func() time.Time { return fuzzNow },
		Logger: slog.New(slog.NewTextHandler(b.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	s.admin = fuzzAdmin
	s.pending[fuzzRequestID] = &pairing{status: "pending", req: PairRequest{Request: fuzzRequestID, Code: fuzzPairCode,
		ID: "com.example.new", Name: "New Plugin", Profile: "work", Expires: fuzzNow.Add(time.Minute)}}
	b.s = s
	return b
}

// snapshot is the paired plugins (id -> profile) and the pairing requests
// (request -> status).
func (b *fuzzBridge) snapshot() (plugins, pending map[string]string) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	plugins, pending = map[string]string{}, map[string]string{}
	for id, p := range b.s.plugins {
		plugins[id] = p.Profile
	}
	for id, p := range b.s.pending {
		pending[id] = p.status
	}
	return plugins, pending
}

// checkNoSecret fails when text holds the plugin's secret or the admin
// token, or the audit log or the log holds one of logged; audit lines must
// be JSON.
func (b *fuzzBridge) checkNoSecret(t *testing.T, what, text string, logged ...string) {
	t.Helper()
	audit, log := b.audit.String(), b.log.String()
	for _, secret := range []string{fuzzSecret, fuzzAdmin} {
		if strings.Contains(text, secret) {
			t.Fatalf("the %s holds a secret: %q", what, text)
		}
	}
	for _, secret := range logged {
		for where, s := range map[string]string{"audit log": audit, "log": log} {
			if strings.Contains(s, secret) {
				t.Fatalf("the %s holds a secret: %q", where, s)
			}
		}
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(audit, "\n"), "\n") {
		if line != "" && !json.Valid([]byte(line)) {
			t.Fatalf("audit line is not JSON: %q", line)
		}
	}
}

// checkNewPairing checks the one pairing request an accepted POST /v1/pair
// added to before.
func (b *fuzzBridge) checkNewPairing(t *testing.T, before map[string]string) {
	t.Helper()
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	var added []PairRequest
	for id, p := range b.s.pending {
		if _, ok := before[id]; !ok {
			added = append(added, p.req)
		}
	}
	if len(added) != 1 {
		t.Fatalf("an accepted pairing request added %d requests", len(added))
	}
	r := added[0]
	if r.Name == "" || len(r.Name) > 60 || sanitize.Text(r.Name) != r.Name || strings.TrimSpace(r.Name) != r.Name {
		t.Fatalf("pairing request with name %q", r.Name)
	}
	for _, id := range []string{r.ID, r.Profile} {
		if !fuzzValidID(id) {
			t.Fatalf("pairing request with id or profile %q", id)
		}
	}
	if sanitize.Text(r.Origin) != r.Origin || len(r.Origin) > 200 {
		t.Fatalf("pairing request with origin %q", r.Origin)
	}
}

// fuzzCheckJSON checks a JSON answer: valid JSON; an error answer has a
// code and a printable message.
func fuzzCheckJSON(t *testing.T, status int, body []byte) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("status %d: the JSON answer is not JSON: %q", status, body)
	}
	if status < 400 {
		return
	}
	var e APIError
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" || e.Message == "" || sanitize.Text(e.Message) != e.Message {
		t.Fatalf("status %d: error answer %q", status, body)
	}
}

// fuzzHostOK is the Host rule: a loopback name with the bridge's port.
func fuzzHostOK(host string) bool {
	switch strings.ToLower(host) {
	case "127.0.0.1:47615", "localhost:47615", "[::1]:47615":
		return true
	}
	return false
}

// fuzzBearer is the request's bearer credential, read independently.
func fuzzBearer(r *http.Request) string {
	v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(v)
}

// fuzzValidID is the id rule: 1 to 100 ASCII letters, digits, '.', '_'
// and '-', starting with a letter or digit.
func fuzzValidID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for i, c := range []byte(id) {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// fuzzFrame is payload as one masked client frame (RFC 6455 section 5.2).
func fuzzFrame(payload []byte, binaryFrame bool) []byte {
	op := byte(0x1)
	if binaryFrame {
		op = 0x2
	}
	out := []byte{0x80 | op}
	switch n := len(payload); {
	case n < 126:
		out = append(out, 0x80|byte(n))
	case n <= 0xffff:
		out = append(out, 0x80|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 0x80|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	out = append(out, key[:]...)
	for i, c := range payload {
		out = append(out, c^key[i%4])
	}
	return out
}

// fuzzServerFrames reads the server's frames (unmasked): the text of its
// data messages, and the reason of its close frame.
func fuzzServerFrames(t *testing.T, out []byte) (texts []string, closeReason string) {
	t.Helper()
	for len(out) > 0 {
		if len(out) < 2 {
			t.Fatalf("truncated frame header %q", out)
		}
		op, n, hdr := out[0]&0x0f, int(out[1]&0x7f), 2
		if out[1]&0x80 != 0 {
			t.Fatalf("the server masked a frame")
		}
		switch n {
		case 126:
			n, hdr = int(binary.BigEndian.Uint16(out[2:4])), 4
		case 127:
			n, hdr = int(binary.BigEndian.Uint64(out[2:10])), 10
		}
		if len(out) < hdr+n {
			t.Fatalf("truncated frame: %q", out)
		}
		payload := out[hdr : hdr+n]
		switch op {
		case 0x1, 0x2:
			texts = append(texts, string(payload))
		case 0x8:
			if len(payload) >= 2 {
				closeReason = string(payload[2:])
			}
		}
		out = out[hdr+n:]
	}
	return texts, closeReason
}

// fuzzConn is a connection that reads its input, then EOF, and keeps
// what is written to it.
type fuzzConn struct {
	in  *bytes.Reader
	mu  sync.Mutex
	out bytes.Buffer
}

func (c *fuzzConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.in.Read(p)
}

func (c *fuzzConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *fuzzConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.out.Bytes())
}

func (c *fuzzConn) Close() error        { return nil }
func (c *fuzzConn) LocalAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 47615} }
func (c *fuzzConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
}
func (c *fuzzConn) SetDeadline(time.Time) error      { return nil }
func (c *fuzzConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(time.Time) error { return nil }

// fuzzHijacker is a ResponseRecorder whose connection can be taken over.
type fuzzHijacker struct {
	*httptest.ResponseRecorder
	conn *fuzzConn
}

func (h fuzzHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

// fuzzTokens hands out a fixed token and counts its calls.
type fuzzTokens struct {
	mu sync.Mutex
	n  int
}

func (f *fuzzTokens) Token(_ context.Context, profile string, _ time.Duration) (handoff.Token, error) {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
	return handoff.Token{Token: fuzzToken, Type: "Bearer", Kind: "platform", Profile: profile, User: "dana@example.com",
		Expiry: fuzzNow.Add(time.Hour)}, nil
}

func (f *fuzzTokens) SignIn(context.Context, string) error {
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
	return nil
}

func (f *fuzzTokens) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// fuzzStore keeps plugins in memory and counts saves.
type fuzzStore struct {
	mu   sync.Mutex
	list []Plugin
	n    int
}

func (m *fuzzStore) Load(context.Context) ([]Plugin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Plugin(nil), m.list...), nil
}

func (m *fuzzStore) Save(_ context.Context, l []Plugin) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list, m.n = append([]Plugin(nil), l...), m.n+1
	return nil
}

func (m *fuzzStore) saves() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n
}

// fuzzBuffer is a bytes.Buffer safe for concurrent writers.
type fuzzBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *fuzzBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *fuzzBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

var _ io.Writer = (*fuzzBuffer)(nil)
