package bridge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// countedTokens counts what the bridge asks of the user's tokens.
type countedTokens struct {
	Tokens
	fail          error // when set, Token fails with it
	reads, signIn atomic.Int32
}

func (c *countedTokens) Token(ctx context.Context, profile string, minValid time.Duration) (handoff.Token, error) {
	c.reads.Add(1)
	if c.fail != nil {
		return handoff.Token{}, c.fail
	}
	return c.Tokens.Token(ctx, profile, minValid)
}

func (c *countedTokens) SignIn(ctx context.Context, profile string) error {
	c.signIn.Add(1)
	return c.Tokens.SignIn(ctx, profile)
}

// answer is what the attacker got: an HTTP answer, or for a WebSocket
// the close status (as status) and reason.
type answer struct {
	status int
	hdr    http.Header
	body   map[string]any
}

func httpAnswer(f *fixture, method, path, body string, hdr map[string]string) answer {
	status, h, out := f.call(method, path, body, hdr)
	return answer{status: status, hdr: h, body: out}
}

// wsURL is the push endpoint of f.
func wsURL(f *fixture) string { return "ws" + strings.TrimPrefix(f.base, "http") + "/v1/events" }

// wsAttack dials the push endpoint, sends msgs (after the bridge's ready
// answer to the first, when it comes) and returns how the bridge closed
// the connection.
// wsReady opens a WebSocket to the bridge and authenticates it with
// secret; it returns once the bridge said "ready".
func wsReady(ctx context.Context, t *testing.T, f *fixture, secret string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, wsURL(f), nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := wsjson.Write(ctx, c, map[string]string{"type": "auth", "secret": secret}); err != nil {
		c.CloseNow()
		t.Fatal(err)
	}
	if err := wsjson.Read(ctx, c, &m); err != nil || m["type"] != "ready" {
		c.CloseNow()
		t.Fatalf("ready: %v %v", m, err)
	}
	return c
}

func wsAttack(t *testing.T, f *fixture, msgs ...any) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(f), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for i, m := range msgs {
		var werr error
		if s, ok := m.(string); ok {
			werr = c.Write(ctx, websocket.MessageText, []byte(s))
		} else {
			werr = wsjson.Write(ctx, c, m)
		}
		if werr != nil {
			break // the bridge already closed: read says how
		}
		if i == 0 && len(msgs) > 1 {
			var ready map[string]any
			if err := wsjson.Read(ctx, c, &ready); err != nil || ready["type"] != "ready" {
				t.Fatalf("ready: %v %v", ready, err)
			}
		}
	}
	for {
		var m map[string]any
		err := wsjson.Read(ctx, c, &m)
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("the connection ended without a close: %v", err)
			}
			return answer{status: int(ce.Code), body: map[string]any{"reason": ce.Reason}}
		}
		if m["type"] == "ready" || m["token"] != nil || m["secret"] != nil {
			t.Errorf("the refused connection was sent %v", m)
		}
	}
}

// TestAttackBridge proves that each guard of the plugin bridge refuses its
// attack before anything happens: a typed error (or WebSocket close), no
// CORS header, no token or secret in the answer, no token read, no sign-in
// asked, nothing saved and nothing new in the audit log.
func TestAttackBridge(t *testing.T) {
	const allowed = "https://plugins.example.com"
	bearer := func(secret string) map[string]string { return map[string]string{"Authorization": "Bearer " + secret} }
	tests := []struct {
		name string
		opts func(*Options)
		// setup prepares what the attack needs (a paired plugin's
		// secret, an earlier pairing…); nothing it does is judged.
		setup      func(t *testing.T, f *fixture) string
		attack     func(t *testing.T, f *fixture, secret string) answer
		wantStatus int    // HTTP status, or WebSocket close code
		wantCode   string // "error" of the JSON answer; "" for none
	}{
		{
			name:  "DNS rebinding: a foreign Host",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", with(bearer(s), "Host", "evil.example:47615"))
			},
			wantStatus: 421, wantCode: "bad_host",
		},
		{
			name:  "a loopback Host with another port",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", with(bearer(s), "Host", "127.0.0.1:1"))
			},
			wantStatus: 421, wantCode: "bad_host",
		},
		{
			name:  "a web page's Origin with a stolen secret",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", with(bearer(s), "Origin", "https://evil.example"))
			},
			wantStatus: 403, wantCode: "origin_refused",
		},
		{
			name: "the null Origin of a sandboxed frame asking to pair",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"com.evil","name":"Evil"}`, map[string]string{"Origin": "null"})
			},
			wantStatus: 403, wantCode: "origin_refused",
		},
		{
			name: "a CORS preflight from a web page",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "OPTIONS", "/v1/token", "", map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
			},
			wantStatus: 403, wantCode: "origin_refused",
		},
		{
			name:  "an Origin that only starts like the allow-listed one",
			opts:  func(o *Options) { o.Origins = []string{allowed} },
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", with(bearer(s), "Origin", allowed+".evil.example"))
			},
			wantStatus: 403, wantCode: "origin_refused",
		},
		{
			name: "a web page's Origin on the WebSocket upgrade",
			attack: func(t *testing.T, f *fixture, _ string) answer {
				c, resp, err := websocket.Dial(t.Context(), wsURL(f), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
				if err == nil {
					c.CloseNow()
					t.Fatal("the upgrade from a web page was accepted")
				}
				if resp == nil {
					t.Fatalf("no answer: %v", err)
				}
				return answer{status: resp.StatusCode, hdr: resp.Header, body: map[string]any{"error": "origin_refused"}}
			},
			wantStatus: 403, wantCode: "origin_refused",
		},
		{
			name:       "no secret",
			attack:     func(_ *testing.T, f *fixture, _ string) answer { return httpAnswer(f, "GET", "/v1/token", "", nil) },
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name:  "a guessed secret",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				guess := []byte(s)
				guess[0] ^= 1 // one bit off
				return httpAnswer(f, "GET", "/v1/token", "", bearer(string(guess)))
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name:  "the secret sent as Basic credentials",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", map[string]string{"Authorization": "Basic " + s})
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name:  "the secret in the query string",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token?secret="+s+"&access_token="+s, "", nil)
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name: "a revoked plugin's secret",
			setup: func(t *testing.T, f *fixture) string {
				s := paired(t, f)
				if err := f.s.Revoke(t.Context(), "com.example.assets"); err != nil {
					t.Fatal(err)
				}
				return s
			},
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", bearer(s))
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name: "the admin token used as a plugin secret",
			attack: func(t *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", bearer(adminToken(t, f)))
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name: "the admin API without the admin token",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "GET", "/v1/admin/plugins", "", nil)
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name: "a plugin approving its own pairing through the admin API",
			setup: func(t *testing.T, f *fixture) string {
				s := paired(t, f)
				// The plugin asks to pair again (say, for more) and tries
				// to approve that itself with its secret.
				code, _, out := f.call("POST", "/v1/pair", `{"id":"com.example.other","name":"Other"}`, nil)
				if code != http.StatusAccepted {
					t.Fatalf("pair: %d %v", code, out)
				}
				return s + " " + out["code"].(string)
			},
			attack: func(_ *testing.T, f *fixture, s string) answer {
				secret, code, _ := strings.Cut(s, " ")
				return httpAnswer(f, "POST", "/v1/admin/approve", `{"code":"`+code+`"}`, bearer(secret))
			},
			wantStatus: 401, wantCode: "unauthorized",
		},
		{
			name: "a body over 4 KiB",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"x","name":"`+strings.Repeat("A", 8<<10)+`"}`, nil)
			},
			wantStatus: 413, wantCode: "too_large",
		},
		{
			name: "an unknown JSON field",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"x","name":"X","approved":true}`, nil)
			},
			wantStatus: 400, wantCode: "bad_request",
		},
		{
			name: "a plugin id with path traversal",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"../../admin","name":"X"}`, nil)
			},
			wantStatus: 400, wantCode: "bad_request",
		},
		{
			name: "a plugin name made only of escape sequences",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"x","name":"\u001b]0;pwned\u0007\u001b[2J\u202e"}`, nil)
			},
			wantStatus: 400, wantCode: "bad_request",
		},
		{
			name: "a profile name with path traversal",
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"x","name":"X","profile":"../../work"}`, nil)
			},
			wantStatus: 400, wantCode: "bad_request",
		},
		{
			name: "a flood of pairing dialogs",
			setup: func(t *testing.T, f *fixture) string {
				for i := range 3 {
					if code, _, out := f.call("POST", "/v1/pair", fmt.Sprintf(`{"id":"p%d","name":"P"}`, i), nil); code != http.StatusAccepted {
						t.Fatalf("pair %d: %d %v", i, code, out)
					}
				}
				return ""
			},
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "POST", "/v1/pair", `{"id":"p3","name":"P"}`, nil)
			},
			wantStatus: 429, wantCode: "rate_limited",
		},
		{
			name: "a guessed pairing request id",
			setup: func(t *testing.T, f *fixture) string {
				if code, _, out := f.call("POST", "/v1/pair", `{"id":"p","name":"P"}`, nil); code != http.StatusAccepted {
					t.Fatalf("pair: %d %v", code, out)
				}
				return ""
			},
			attack: func(_ *testing.T, f *fixture, _ string) answer {
				return httpAnswer(f, "GET", "/v1/pair/"+strings.Repeat("0", 32), "", nil)
			},
			wantStatus: 404, wantCode: "unknown_request",
		},
		{
			name: "collecting an approved secret twice",
			setup: func(t *testing.T, f *fixture) string {
				_, _, out := f.call("POST", "/v1/pair", `{"id":"p","name":"P"}`, nil)
				if _, err := f.s.Decide(t.Context(), out["code"].(string), true); err != nil {
					t.Fatal(err)
				}
				rid := out["request"].(string)
				if _, _, st := f.call("GET", "/v1/pair/"+rid, "", nil); st["secret"] == nil {
					t.Fatalf("the plugin did not get its secret: %v", st)
				}
				return rid
			},
			attack: func(_ *testing.T, f *fixture, rid string) answer {
				return httpAnswer(f, "GET", "/v1/pair/"+rid, "", nil)
			},
			wantStatus: 404, wantCode: "unknown_request",
		},
		{
			name: "approving a pairing request after it expired",
			setup: func(t *testing.T, f *fixture) string {
				_, _, out := f.call("POST", "/v1/pair", `{"id":"p","name":"P"}`, nil)
				f.advance(2*time.Minute + time.Second)
				return out["code"].(string) + " " + out["request"].(string)
			},
			attack: func(t *testing.T, f *fixture, s string) answer {
				code, rid, _ := strings.Cut(s, " ")
				if _, err := f.s.Decide(t.Context(), code, true); !errors.Is(err, ErrNoRequest) {
					t.Errorf("Decide: got %v; want ErrNoRequest", err)
				}
				a := httpAnswer(f, "GET", "/v1/pair/"+rid, "", nil)
				if a.body["status"] != "expired" {
					t.Errorf("the plugin polling: got %v; want status expired", a.body)
				}
				return a
			},
			wantStatus: 200,
		},
		{
			name: "guessing secrets until the limit",
			setup: func(t *testing.T, f *fixture) string {
				s := paired(t, f)
				for i := range 10 {
					if code, _, _ := f.call("GET", "/v1/token", "", bearer(fmt.Sprintf("guess-%d", i))); code != http.StatusUnauthorized {
						t.Fatalf("guess %d: %d; want 401", i, code)
					}
				}
				return s
			},
			// Then even the right secret waits: no window for guessing.
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", bearer(s))
			},
			wantStatus: 429, wantCode: "rate_limited",
		},
		{
			name: "a runaway loop of token reads",
			opts: func(o *Options) { o.TokenRate = 1 }, // bursts of 2
			setup: func(t *testing.T, f *fixture) string {
				s := paired(t, f)
				for range 2 {
					if code, _, _ := f.call("GET", "/v1/token", "", bearer(s)); code != http.StatusOK {
						t.Fatalf("token within the burst: %d", code)
					}
				}
				return s
			},
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token", "", bearer(s))
			},
			wantStatus: 429, wantCode: "rate_limited",
		},
		{
			name: "a loop of sign-in asks",
			setup: func(t *testing.T, f *fixture) string {
				s := paired(t, f)
				if code, _, _ := f.call("POST", "/v1/sign-in", "", bearer(s)); code != http.StatusAccepted {
					t.Fatalf("first sign-in ask: %d", code)
				}
				return s
			},
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "POST", "/v1/sign-in", "", bearer(s))
			},
			wantStatus: 429, wantCode: "rate_limited",
		},
		{
			name:  "a min_valid beyond a day",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/token?min_valid=99999h", "", bearer(s))
			},
			wantStatus: 400, wantCode: "bad_request",
		},
		{
			name:  "the push endpoint without an upgrade",
			setup: paired,
			attack: func(_ *testing.T, f *fixture, s string) answer {
				return httpAnswer(f, "GET", "/v1/events", "", bearer(s))
			},
			wantStatus: 426, wantCode: "websocket_required",
		},
		{
			name: "provider text with escapes in a failed token read",
			opts: func(o *Options) {
				o.Tokens.(*countedTokens).fail = errors.New("refresh: the identity provider answered \x1b]0;pwned\x07\x1b[31mslow down\u202e")
			},
			setup: paired,
			attack: func(t *testing.T, f *fixture, s string) answer {
				a := httpAnswer(f, "GET", "/v1/token", "", bearer(s))
				msg, _ := a.body["message"].(string)
				if want := sanitize.Text("refresh: the identity provider answered \x1b]0;pwned\x07\x1b[31mslow down\u202e"); msg != want {
					t.Errorf("message: got %q; want sanitize.Text's %q", msg, want)
				}
				return a
			},
			wantStatus: 502, wantCode: "unavailable",
		},
		{
			name:  "a WebSocket with a guessed secret",
			setup: paired,
			attack: func(t *testing.T, f *fixture, _ string) answer {
				return wsAttack(t, f, map[string]string{"type": "auth", "secret": "guess"})
			},
			wantStatus: int(websocket.StatusPolicyViolation),
		},
		{
			name:  "a WebSocket whose first message is not the secret",
			setup: paired,
			attack: func(t *testing.T, f *fixture, _ string) answer {
				return wsAttack(t, f, map[string]string{"type": "subscribe", "profile": "work"})
			},
			wantStatus: int(websocket.StatusPolicyViolation),
		},
		{
			name:  "a WebSocket first message over 4 KiB",
			setup: paired,
			attack: func(t *testing.T, f *fixture, s string) answer {
				return wsAttack(t, f, `{"type":"auth","secret":"`+s+`","pad":"`+strings.Repeat("A", 8<<10)+`"}`)
			},
			wantStatus: int(websocket.StatusMessageTooBig),
		},
		{
			name:  "a WebSocket sending after its secret",
			setup: paired,
			attack: func(t *testing.T, f *fixture, s string) answer {
				return wsAttack(t, f, map[string]string{"type": "auth", "secret": s}, map[string]string{"type": "subscribe", "profile": "other"})
			},
			wantStatus: int(websocket.StatusPolicyViolation),
		},
		{
			name:  "a WebSocket peer that falls behind",
			setup: paired,
			attack: func(t *testing.T, f *fixture, s string) answer {
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
				defer cancel()
				c := wsReady(ctx, t, f, s)
				defer c.CloseNow()
				// The peer reads nothing more while events keep coming:
				// once 16 wait for it, the bridge drops it rather than hold
				// events (and memory) for it.
				for n := 0; f.s.Subscribers() > 0; n++ {
					if n == 5_000_000 {
						t.Fatal("a peer that reads nothing was kept")
					}
					f.s.Publish(Event{Type: EventTokenRefreshed, Profile: "work"})
				}
				// And its connection is ended, not left open: reading
				// what was sent before the drop comes to an error.
				for {
					if _, _, err := c.Read(ctx); err != nil {
						break
					}
				}
				if ctx.Err() != nil {
					t.Fatal("the dropped peer's connection stayed open")
				}
				return answer{}
			},
		},
		{
			name:  "a WebSocket hearing another profile's events",
			setup: paired,
			attack: func(t *testing.T, f *fixture, s string) answer {
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
				defer cancel()
				c := wsReady(ctx, t, f, s)
				defer c.CloseNow()
				f.s.Publish(Event{Type: EventSignedOut, Profile: "other"})
				f.s.Publish(Event{Type: EventTokenRefreshed, Profile: "work"})
				var m map[string]any
				if err := wsjson.Read(ctx, c, &m); err != nil || m["profile"] != "work" {
					t.Errorf("first event: got %v, %v; want the plugin's own profile's, the other one withheld", m, err)
				}
				return answer{}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tokens *countedTokens
			f := newFixture(t, func(o *Options) {
				tokens = &countedTokens{Tokens: o.Tokens}
				o.Tokens = tokens
				if tt.opts != nil {
					tt.opts(o)
				}
			})
			secret := ""
			if tt.setup != nil {
				secret = tt.setup(t, f)
			}
			f.store.mu.Lock()
			stored, saves := slices.Clone(f.store.list), f.store.saves
			f.store.mu.Unlock()
			audit, reads, asks, pending := f.auditText(), tokens.reads.Load(), tokens.signIn.Load(), len(f.s.Pending())

			a := tt.attack(t, f, secret)

			if a.status != tt.wantStatus || (tt.wantCode != "" && a.body["error"] != tt.wantCode) {
				t.Errorf("got %d %v; want %d %s", a.status, a.body, tt.wantStatus, tt.wantCode)
			}
			if msg, ok := a.body["message"].(string); ok && !printable(msg) {
				t.Errorf("message %q carries control characters", msg)
			}
			for k := range a.hdr {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("a CORS header was sent: %s", k)
				}
			}
			for _, k := range []string{"token", "secret"} {
				if _, ok := a.body[k]; ok {
					t.Errorf("the answer carries a %s: %v", k, a.body)
				}
			}
			if tokens.reads.Load() != reads && tt.wantCode != "unavailable" {
				t.Error("the bridge read a token for the refused request")
			}
			if tokens.signIn.Load() != asks {
				t.Error("the bridge asked for a sign-in for the refused request")
			}
			f.store.mu.Lock()
			if !slices.Equal(f.store.list, stored) || f.store.saves != saves {
				t.Errorf("the plugin store changed: %+v", f.store.list)
			}
			f.store.mu.Unlock()
			if n := len(f.s.Pending()); n > pending {
				t.Errorf("the refused request waits for the user: %d pending, was %d", n, pending)
			}
			if added := strings.TrimPrefix(f.auditText(), audit); strings.Contains(added, `"event":"token"`) ||
				strings.Contains(added, "pair_approved") || strings.Contains(added, "pair_requested") || strings.Contains(added, "sign_in_asked") {
				t.Errorf("the audit log records a hand-out or request for the refused attack:\n%s", added)
			}
		})
	}
}

// paired pairs com.example.assets for profile work and returns its secret.
func paired(t *testing.T, f *fixture) string {
	t.Helper()
	return f.pair("com.example.assets")
}

// with returns a copy of h with k set to v.
func with(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}

func adminToken(t *testing.T, f *fixture) string {
	t.Helper()
	tok, err := ReadAdminToken(f.s.o.AdminTokenPath)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// auditText is the audit log so far.
func (f *fixture) auditText() string {
	w := f.s.o.Audit.(*lockedWriter)
	w.mu.Lock()
	defer w.mu.Unlock()
	return f.audit.String()
}

func printable(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
