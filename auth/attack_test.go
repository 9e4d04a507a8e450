package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// attackRig is the emulator (the real provider here) with a public and a
// confidential app client registered for a few loopback callback ports,
// and an HTTP client that also reaches it under the host name idp.test.
type attackRig struct {
	srv   *authtest.Server
	ports []int
	hc    *http.Client
}

const (
	rigPublic       = "7demo0client0ssohelper0abc"
	rigConfidential = "7conf0client0ssohelper0abc"
	rigSecret       = "s3cretOfTheConfidentialClient0123456789abcdefghijklm"
)

func newAttackRig(t *testing.T, opts authtest.Options) *attackRig {
	t.Helper()
	r := &attackRig{ports: freeTestPorts(t, 3)}
	var callbacks []string
	for _, p := range r.ports {
		callbacks = append(callbacks, fmt.Sprintf("http://localhost:%d/callback", p))
	}
	pub := authtest.DemoClient()
	pub.ID, pub.CallbackURLs, pub.LogoutURLs = rigPublic, callbacks, nil
	conf := pub
	conf.ID, conf.Secret = rigConfidential, rigSecret
	opts.Clients = []authtest.Client{pub, conf}
	srv, err := authtest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	r.srv = srv
	dialer := &net.Dialer{}
	r.hc = &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && host == "idp.test" {
				addr = net.JoinHostPort("127.0.0.1", port) // the test's only name server
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
	return r
}

// freeTestPorts finds n loopback ports that are free right now.
func freeTestPorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		defer l.Close()
	}
	return ports
}

// profile is a Cognito profile for the emulator, platform kind none.
func (r *attackRig) profile(confidential bool) config.Profile {
	p := config.Profile{Name: "attack", Issuer: r.srv.Issuer(), ClientID: rigPublic, RedirectPorts: r.ports,
		Platform: config.Platform{Kind: config.KindNone}, LoginTimeout: config.Duration{Duration: 30 * time.Second}}
	if confidential {
		p.ClientID, p.Confidential = rigConfidential, true
	}
	return p.WithDefaults()
}

// reset undoes every bend of the emulator.
func (r *attackRig) reset() {
	r.srv.ClearFaults()
	r.srv.SetIDTokenHook(nil)
	r.srv.SetTamperIDToken(false)
	r.srv.SetDiscoveryHook(nil)
}

// bendFunc changes the provider once the browser has signed in and is
// about to follow the redirect to the callback: nonce is the sign-in's,
// callback the address (with the code) the browser is sent to.
type bendFunc func(t *testing.T, r *attackRig, nonce, callback string)

// loginResult is how a sign-in attempt ended, seen from everywhere.
type loginResult struct {
	signIn *SignIn
	err    error
	out    string // what the flow told the person
	opened bool   // the browser was opened
	page   int    // the status of the browser's last page (the callback)
}

// login runs the real flow against the emulator: the browser signs in as
// the designer, bend changes the provider, the browser follows the
// redirect to the callback and waits for its page.
func (r *attackRig) login(t *testing.T, p config.Profile, secret string, bend bendFunc) loginResult {
	t.Helper()
	var opened atomic.Bool
	page := make(chan int, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	opener := openerFunc(func(ctx context.Context, authURL string) (err error) {
		opened.Store(true)
		status := 0
		defer func() {
			if err != nil { // a broken browser would leave the flow waiting
				t.Errorf("the test's browser: %v", err)
				cancel()
			}
			page <- status
		}()
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		b := &authtest.Browser{Username: "designer", Password: "Design-2026!",
			Unreachable: func(u *url.URL) bool { return u.Hostname() == "localhost" }}
		var stop *authtest.UnreachableError
		if err := b.Open(ctx, authURL); !errors.As(err, &stop) {
			return fmt.Errorf("browser did not reach the callback: %v", err)
		}
		if bend != nil {
			bend(t, r, u.Query().Get("nonce"), stop.URL)
		}
		// A browser is not stopped by the app: it waits for its page
		// even after the flow has returned.
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, stop.URL, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		status = resp.StatusCode
		return nil
	})
	var out bytes.Buffer
	f := &Flow{Profile: p, ClientSecret: secret, HTTP: r.hc, Opener: opener, Out: &syncWriter{w: &out}}
	s, err := f.Login(ctx)
	res := loginResult{signIn: s, err: err, opened: opened.Load()}
	if res.opened {
		select {
		case res.page = <-page:
		case <-ctx.Done():
		}
	}
	res.out = out.String()
	return res
}

type openerFunc func(ctx context.Context, url string) error

func (f openerFunc) Open(ctx context.Context, url string) error { return f(ctx, url) }

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// jwtShaped finds anything that looks like a JWT.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// assertRefused checks what every refused sign-in must hold: an error, no
// sign-in to save, the browser told it failed (when it got that far), and
// text for people that is printable, names no token and says want.
func assertRefused(t *testing.T, res loginResult, want string, sent ...string) {
	t.Helper()
	if res.err == nil {
		t.Fatalf("Login succeeded; want it refused (%s)", want)
	}
	if res.signIn != nil {
		t.Errorf("Login returned a sign-in to save along with %v", res.err)
	}
	msg := res.err.Error()
	t.Logf("refused: %s", msg)
	if !strings.Contains(msg, want) {
		t.Errorf("error %q; want it to say %q", msg, want)
	}
	for where, text := range map[string]string{"error": msg, "output": res.out} {
		assertPrintable(t, where, text)
		if jwtShaped.MatchString(text) {
			t.Errorf("%s carries a token: %q", where, text)
		}
		for _, v := range sent {
			if strings.Contains(text, v) {
				t.Errorf("%s carries a value the client sent: %q", where, text)
			}
		}
	}
	if res.opened && res.page != http.StatusForbidden {
		t.Errorf("the browser's last page: got %d; want 403 (the sign-in failed)", res.page)
	}
}

// assertPrintable fails when text carries a control or format character
// (an escape sequence, a bidirectional override).
func assertPrintable(t *testing.T, where, text string) {
	t.Helper()
	for _, r := range text {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("%s carries %U: %q", where, r, text)
			return
		}
	}
}

// assertSanitised checks that provider text shown in msg went through the
// one sanitiser: its readable part is there whole, and no escape of a
// control character (as %q would write it) is.
func assertSanitised(t *testing.T, msg, providerText string) {
	t.Helper()
	if clean := sanitize.Redact(providerText); !strings.Contains(msg, clean) {
		t.Errorf("message %q lacks the provider's text as sanitize.Redact shows it (%q)", msg, clean)
	}
	for _, esc := range []string{`\x1b`, `\a`, `\u202e`, `\x00`} {
		if strings.Contains(msg, esc) {
			t.Errorf("message %q shows the provider's control characters escaped, not removed by sanitize", msg)
		}
	}
}

// hostileText is provider text meant to steer a terminal.
const hostileText = "\x1b]0;pwned\x07\x1b[31mevil\u202e-text"

// claimsFor are the claims of a good id_token of the rig for nonce.
func (r *attackRig) claimsFor(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": r.srv.Issuer(), "aud": rigPublic, "sub": "5f0c3a52-8d0e-4c51-9a43-3e1f2d7b6a01", "token_use": "id",
		"nonce": nonce, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Unix(),
		"cognito:username": "designer", "email": "designer@example.com",
	}
}

// idKey returns the kid and public key the emulator signs id tokens with.
func (r *attackRig) idKey(t *testing.T) (string, jwk.Key) {
	t.Helper()
	tok, err := r.srv.SignIDToken(map[string]any{"sub": "x"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := jws.Parse([]byte(tok))
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
	resp, err := r.hc.Get(r.srv.Issuer() + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	set, err := jwk.ParseReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := set.LookupKeyID(kid)
	if !ok {
		t.Fatalf("the emulator's JWKS lacks its id kid")
	}
	return kid, key
}

// serveTokens makes the token endpoint answer the next code exchange with
// idToken (and a plausible rest).
func (r *attackRig) serveTokens(t *testing.T, idToken string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"id_token": idToken, "access_token": "at-forged", "refresh_token": "rt-forged",
		"token_type": "Bearer", "expires_in": 3600})
	if err != nil {
		t.Fatal(err)
	}
	r.srv.SetFault("/oauth2/token", authtest.Fault{Body: string(body), Times: 1})
}

// compact joins a header and claims into a JWS with signature sig.
func compact(t *testing.T, header, claims map[string]any, sig string) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "." + sig
}

// signWith signs claims with key under alg, with kid in the header.
func signWith(t *testing.T, alg jwa.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.KeyIDKey, kid); err != nil {
		t.Fatal(err)
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claimHook bends every id token's claims.
func claimHook(mod func(c map[string]any)) bendFunc {
	return func(_ *testing.T, r *attackRig, _, _ string) { r.srv.SetIDTokenHook(mod) }
}

// serveJWKS makes the JWKS answer with one key, under the id kid.
func serveJWKS(mk func(t *testing.T) jwk.Key) func(*testing.T, *attackRig) {
	return func(t *testing.T, r *attackRig) {
		kid, _ := r.idKey(t)
		key := mk(t)
		if err := key.Set(jwk.KeyIDKey, kid); err != nil {
			t.Fatal(err)
		}
		set := jwk.NewSet()
		if err := set.AddKey(key); err != nil {
			t.Fatal(err)
		}
		body, err := json.Marshal(set)
		if err != nil {
			t.Fatal(err)
		}
		r.srv.SetFault("/"+r.srv.PoolID()+"/.well-known/jwks.json", authtest.Fault{Body: string(body)})
	}
}

// TestAttackIDToken proves that the sign-in refuses every forged or bent
// id_token with a clear error: each one arrives through the emulator's
// token endpoint (or JWKS) in the real flow, which then returns no sign-in
// to save and shows the browser a failure page.
func TestAttackIDToken(t *testing.T) {
	r := newAttackRig(t, authtest.Options{})
	tests := []struct {
		name string
		bend bendFunc
		// keys, when set, changes the key set the provider serves before
		// the sign-in starts (the flow fetches it while the user signs in).
		keys func(t *testing.T, r *attackRig)
		want string // in the error
		// run, when set, replaces the sign-in: the attack happens at a
		// later verification and run returns its error.
		run func(t *testing.T, r *attackRig) error
	}{
		{
			name: "alg none",
			bend: func(t *testing.T, r *attackRig, nonce, _ string) {
				kid, _ := r.idKey(t)
				r.serveTokens(t, compact(t, map[string]any{"alg": "none", "kid": kid}, r.claimsFor(nonce), ""))
			},
			want: "id_token refused",
		},
		{
			name: "HS256 signed with the RSA public key as the HMAC secret",
			bend: func(t *testing.T, r *attackRig, nonce, _ string) {
				kid, pub := r.idKey(t)
				var raw rsa.PublicKey
				if err := jwk.Export(pub, &raw); err != nil {
					t.Fatal(err)
				}
				der, err := x509.MarshalPKIXPublicKey(&raw)
				if err != nil {
					t.Fatal(err)
				}
				secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
				r.serveTokens(t, signWith(t, jwa.HS256(), secret, kid, r.claimsFor(nonce)))
			},
			want: `algorithm "HS256" is not allowed, only RS256`,
		},
		{
			name: "unknown kid",
			bend: func(t *testing.T, r *attackRig, nonce, _ string) {
				r.serveTokens(t, signWith(t, jwa.RS256(), newRSAKey(t), "attacker-kid", r.claimsFor(nonce)))
			},
			want: `signing key not found: no key with kid "attacker-kid"`,
		},
		{
			name: "unknown kid after a JWKS refetch",
			run: func(t *testing.T, r *attackRig) error {
				// A verifier that has the JWKS already (it checked a good
				// token) meets a kid it lacks after the refetch limit: it
				// fetches the JWKS once more, then refuses.
				var fetches atomic.Int32
				hc := &http.Client{Transport: countJWKS(r.hc.Transport, &fetches)}
				now := time.Now()
				var mu sync.Mutex
				clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
				p := &Provider{Profile: r.profile(false), HTTP: hc, Now: clock}
				good, err := r.srv.SignIDToken(r.claimsFor("n-1"))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := p.Verify(t.Context(), good, "n-1"); err != nil {
					t.Fatalf("a good token: %v", err)
				}
				mu.Lock()
				now = now.Add(minRefetch + time.Second)
				mu.Unlock()
				forged := signWith(t, jwa.RS256(), newRSAKey(t), "rotated-away", r.claimsFor("n-1"))
				_, err = p.Verify(t.Context(), forged, "n-1")
				if got := fetches.Load(); got != 2 {
					t.Errorf("JWKS fetches: got %d; want 2 (one refetch for the unknown kid)", got)
				}
				// At once again: refused without another fetch.
				if _, err := p.Verify(t.Context(), forged, "n-1"); err == nil || fetches.Load() != 2 {
					t.Errorf("a second forged token: got %v after %d fetches; want refused without a fetch", err, fetches.Load())
				}
				return err
			},
			want: `signing key not found: no key with kid "rotated-away"`,
		},
		{
			name: "kid carrying terminal escapes",
			bend: func(t *testing.T, r *attackRig, nonce, _ string) {
				r.serveTokens(t, signWith(t, jwa.RS256(), newRSAKey(t), hostileText, r.claimsFor(nonce)))
			},
			want: "signing key not found",
		},
		{name: "wrong iss", bend: claimHook(func(c map[string]any) { c["iss"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil" }), want: `"iss" not satisfied`},
		{name: "wrong aud", bend: claimHook(func(c map[string]any) { c["aud"] = "another0client0000000000ab" }), want: `"aud" not satisfied`},
		{name: "azp of another client", bend: claimHook(func(c map[string]any) {
			c["aud"], c["azp"] = []string{rigPublic, "another0client0000000000ab"}, "another0client0000000000ab"
		}), want: "issued to another party (azp)"},
		{name: "token_use=access", bend: claimHook(func(c map[string]any) { c["token_use"] = "access" }), want: `claim "token_use" does not have the expected value`},
		{name: "expired", bend: claimHook(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }), want: `"exp" not satisfied`},
		{name: "not yet valid", bend: claimHook(func(c map[string]any) { c["nbf"] = time.Now().Add(time.Hour).Unix() }), want: `"nbf" not satisfied`},
		{name: "issued in the future", bend: claimHook(func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() }), want: `"iat" not satisfied`},
		{name: "nonce mismatch", bend: claimHook(func(c map[string]any) { c["nonce"] = "nonce-of-another-sign-in" }), want: "nonce does not match"},
		{name: "missing nonce", bend: claimHook(func(c map[string]any) { delete(c, "nonce") }), want: "nonce does not match"},
		{name: "no subject", bend: claimHook(func(c map[string]any) { delete(c, "sub") }), want: `"sub"`},
		{name: "bad signature", bend: func(_ *testing.T, r *attackRig, _, _ string) { r.srv.SetTamperIDToken(true) }, want: "validation failed"},
		{
			name: "truncated",
			bend: func(t *testing.T, r *attackRig, nonce, _ string) {
				tok, err := r.srv.SignIDToken(r.claimsFor(nonce))
				if err != nil {
					t.Fatal(err)
				}
				r.serveTokens(t, tok[:len(tok)/2])
			},
			want: "not a signed JWT",
		},
		{
			name: "an EC key in the JWKS under the kid",
			keys: serveJWKS(func(t *testing.T) jwk.Key {
				raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				k, err := jwk.Import(&raw.PublicKey)
				if err != nil {
					t.Fatal(err)
				}
				return k
			}),
			want: "validation failed",
		},
		{
			name: "an oct (HMAC) key in the JWKS under the kid",
			keys: serveJWKS(func(t *testing.T) jwk.Key {
				k, err := jwk.Import([]byte("0123456789abcdef0123456789abcdef"))
				if err != nil {
					t.Fatal(err)
				}
				return k
			}),
			want: "validation failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.reset()
			t.Cleanup(r.reset)
			if tt.run != nil {
				err := tt.run(t, r)
				assertRefused(t, loginResult{err: err}, tt.want)
				if !errors.Is(err, ErrInvalidIDToken) {
					t.Errorf("error %v; want ErrInvalidIDToken", err)
				}
				return
			}
			if tt.keys != nil {
				tt.keys(t, r)
			}
			res := r.login(t, r.profile(false), "", tt.bend)
			assertRefused(t, res, tt.want)
			if !errors.Is(res.err, ErrInvalidIDToken) {
				t.Errorf("error %v; want ErrInvalidIDToken", res.err)
			}
			if tt.name == "kid carrying terminal escapes" {
				assertSanitised(t, res.err.Error(), hostileText)
			}
		})
	}
}

// countJWKS counts the requests for a JWKS that pass through base.
func countJWKS(base http.RoundTripper, n *atomic.Int32) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if strings.HasSuffix(req.URL.Path, "/jwks.json") {
			n.Add(1)
		}
		return base.RoundTrip(req)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// endless is a server whose answer never ends: a client that reads its
// body whole never finishes. wrote yields how much each answer got out
// before the client hung up.
type endless struct {
	srv   *httptest.Server
	wrote chan int64
}

func newEndless(t *testing.T) *endless {
	t.Helper()
	e := &endless{wrote: make(chan int64, 16)}
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n, _ := w.Write([]byte(`{"issuer":"`))
		total := int64(n)
		for {
			n, err := w.Write(chunk)
			total += int64(n)
			if err != nil {
				break
			}
		}
		e.wrote <- total
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// bounded checks that the client stopped reading early.
func (e *endless) bounded(t *testing.T, _ loginResult) {
	t.Helper()
	select {
	case n := <-e.wrote:
		t.Logf("the endless answer got %d KiB out before the client hung up", n>>10)
		if n > 64<<20 {
			t.Errorf("the client read %d MiB of an endless answer; want it bounded", n>>20)
		}
	case <-t.Context().Done():
		t.Error("the endless answer was never cut off")
	}
}

// TestAttackProviderAnswers proves that hostile or broken answers from the
// provider's discovery, token and JWKS endpoints end the sign-in with a
// clear error and nothing to save: unsafe endpoints are refused before the
// browser opens, large bodies are read only up to a bound, and provider
// text reaches people only through the one sanitiser, with every value
// the client sent redacted.
func TestAttackProviderAnswers(t *testing.T) {
	r := newAttackRig(t, authtest.Options{})
	discovery := "/" + r.srv.PoolID() + "/.well-known/openid-configuration"
	jwks := "/" + r.srv.PoolID() + "/.well-known/jwks.json"
	var echoedCode string // the code the provider echoes in one case
	html := "<!DOCTYPE html><html><body><h1>Service Unavailable</h1><script>alert(1)</script></body></html>"
	tests := []struct {
		name string
		// setup changes the provider before the sign-in starts and may
		// change the profile; it returns a check to run afterwards.
		setup        func(t *testing.T, r *attackRig, p *config.Profile) (after func(t *testing.T, res loginResult))
		bend         bendFunc
		confidential bool
		want         string
		noBrowser    bool // refused before the browser opens
	}{
		{
			name: "issuer mismatch in discovery",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetDiscoveryHook(func(doc map[string]any) { doc["issuer"] = "https://evil.example/pool" + hostileText })
				return func(t *testing.T, res loginResult) {
					assertSanitised(t, res.err.Error(), "https://evil.example/pool"+hostileText)
				}
			},
			want: "names issuer", noBrowser: true,
		},
		{
			name: "http endpoints for a non-loopback issuer",
			setup: func(t *testing.T, _ *attackRig, p *config.Profile) func(*testing.T, loginResult) {
				other := newAttackRig(t, authtest.Options{Host: "idp.test"})
				p.Issuer = other.srv.Issuer()
				return func(t *testing.T, _ loginResult) {
					if c := other.srv.Counts(); c.Authorize+c.CodeGrant != 0 {
						t.Errorf("the provider with http endpoints was used: %+v", c)
					}
				}
			},
			want: "unsafe authorization_endpoint", noBrowser: true,
		},
		{
			name: "javascript: authorization endpoint",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetDiscoveryHook(func(doc map[string]any) { doc["authorization_endpoint"] = "javascript:alert(document.cookie)//" })
				return nil
			},
			want: "unsafe authorization_endpoint", noBrowser: true,
		},
		{
			name: "file: JWKS",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetDiscoveryHook(func(doc map[string]any) { doc["jwks_uri"] = "file:///etc/passwd" })
				return nil
			},
			want: "unsafe jwks_uri", noBrowser: true,
		},
		{
			name: "HTML where the discovery JSON was expected",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetFault(discovery, authtest.Fault{Status: 200, Body: html, Header: http.Header{"Content-Type": {"text/html"}}})
				return nil
			},
			want: "not a JSON metadata document", noBrowser: true,
		},
		{
			name: "a 200 with garbage for discovery",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetFault(discovery, authtest.Fault{Status: 200, Body: `{"issuer":["x"],"token_endpoint":7}`})
				return nil
			},
			want: "not a JSON metadata document", noBrowser: true,
		},
		{
			name: "an enormous discovery document",
			setup: func(t *testing.T, _ *attackRig, p *config.Profile) func(*testing.T, loginResult) {
				e := newEndless(t)
				p.Issuer = e.srv.URL + "/pool"
				return e.bounded
			},
			want: "not a JSON metadata document", noBrowser: true,
		},
		{
			name: "HTML where the token JSON was expected",
			bend: func(_ *testing.T, r *attackRig, _, _ string) {
				r.srv.SetFault("/oauth2/token", authtest.Fault{Status: 200, Body: html, Header: http.Header{"Content-Type": {"text/html"}}})
			},
			want: "code exchange",
		},
		{
			name: "an HTML error page from the token endpoint",
			bend: func(_ *testing.T, r *attackRig, _, _ string) {
				r.srv.SetFault("/oauth2/token", authtest.Fault{Status: 502, Body: html, Header: http.Header{"Content-Type": {"text/html"}}})
			},
			want: "code exchange: the identity provider answered HTTP 502",
		},
		{
			name: "a 200 with garbage from the token endpoint",
			bend: func(_ *testing.T, r *attackRig, _, _ string) {
				r.srv.SetFault("/oauth2/token", authtest.Fault{Status: 200, Body: `{"access_token":{"x":1},"id_token":[1,2]` + "\x00\x1b[31m"})
			},
			want: "code exchange",
		},
		{
			name: "a token answer without an id_token",
			bend: func(_ *testing.T, r *attackRig, _, _ string) {
				r.srv.SetFault("/oauth2/token", authtest.Fault{Status: 200, Body: `{"access_token":"at","token_type":"Bearer","expires_in":3600}`})
			},
			want: "the answer has no id_token",
		},
		{
			name: "an enormous token answer",
			setup: func(t *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				e := newEndless(t)
				r.srv.SetDiscoveryHook(func(doc map[string]any) { doc["token_endpoint"] = e.srv.URL + "/oauth2/token" })
				return e.bounded
			},
			want: "code exchange",
		},
		{
			name: "a token error echoing the code and the client secret, with escapes",
			setup: func(*testing.T, *attackRig, *config.Profile) func(*testing.T, loginResult) {
				return func(t *testing.T, res loginResult) {
					msg := res.err.Error()
					if echoedCode == "" || strings.Contains(msg, echoedCode) || !strings.Contains(msg, "you sent code=[redacted] secret=[redacted]") {
						t.Errorf("error %q: want the provider's text with the code and secret redacted", msg)
					}
					assertSanitised(t, msg, hostileText)
				}
			},
			bend: func(t *testing.T, r *attackRig, _, callback string) {
				u, err := url.Parse(callback)
				if err != nil {
					t.Fatal(err)
				}
				echoedCode = u.Query().Get("code")
				body, err := json.Marshal(map[string]string{"error": "invalid_client" + hostileText,
					"error_description": "you sent code=" + u.Query().Get("code") + " secret=" + rigSecret + " " + hostileText})
				if err != nil {
					t.Fatal(err)
				}
				r.srv.SetFault("/oauth2/token", authtest.Fault{Status: 400, Body: string(body)})
			},
			confidential: true, want: "[redacted]",
		},
		{
			name: "HTML where the JWKS was expected",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetFault(jwks, authtest.Fault{Status: 200, Body: html, Header: http.Header{"Content-Type": {"text/html"}}})
				return nil
			},
			want: "parsing the provider's signing keys",
		},
		{
			name: "a 200 with garbage for the JWKS",
			setup: func(_ *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				r.srv.SetFault(jwks, authtest.Fault{Status: 200, Body: `{"keys":[{"kty":"RSA","kid":7,"n":"!!","e":[]}]}`})
				return nil
			},
			want: "parsing the provider's signing keys",
		},
		{
			name: "an enormous JWKS",
			setup: func(t *testing.T, r *attackRig, _ *config.Profile) func(*testing.T, loginResult) {
				e := newEndless(t)
				r.srv.SetDiscoveryHook(func(doc map[string]any) { doc["jwks_uri"] = e.srv.URL + "/jwks.json" })
				return e.bounded
			},
			want: "parsing the provider's signing keys",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.reset()
			t.Cleanup(r.reset)
			p := r.profile(tt.confidential)
			var after func(*testing.T, loginResult)
			if tt.setup != nil {
				after = tt.setup(t, r, &p)
			}
			secret := ""
			if tt.confidential {
				secret = rigSecret
			}
			before := r.srv.Counts()
			res := r.login(t, p, secret, tt.bend)
			assertRefused(t, res, tt.want, rigSecret)
			if tt.noBrowser && res.opened {
				t.Error("the browser was opened for a provider that was refused")
			}
			if !tt.noBrowser && !res.opened {
				t.Error("the browser was never opened; want the attack to come after the sign-in page")
			}
			c := r.srv.Counts()
			if c.UserInfo != before.UserInfo {
				t.Error("the refused sign-in went on to the userInfo endpoint")
			}
			if tt.noBrowser && (c.Authorize != before.Authorize || c.CodeGrant != before.CodeGrant) {
				t.Errorf("the refused provider was asked to sign in: authorize %d, code grants %d",
					c.Authorize-before.Authorize, c.CodeGrant-before.CodeGrant)
			}
			if after != nil {
				after(t, res)
			}
		})
	}
}
