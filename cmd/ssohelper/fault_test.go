package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/ssohelper/ssohelper/internal/testdisk"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// The fault suite: the network and the machine fail under the real
// command, and every case ends either in a retry that succeeds (inside
// the command, or the user's next run) or in a clear error that says what
// to do. No case ever loses a stored sign-in: where one was stored before
// the fault, it is byte for byte still there afterwards, or replaced by a
// valid newer one. `go test -run '^TestFault' ./...` runs the suite:
// TestFaultNetwork (the emulator's fault hooks, a cutting proxy, the
// clock, busy ports), TestFaultKeyring (a real gnome-keyring locked,
// missing, slow) and TestFaultDiskFull (a full tmpfs) here, and
// keystore's TestFaultDiskFull.

// faultTimeout is the HTTP client timeout of a command facing a server
// that never answers: short, so the wait costs little, and long enough
// for the emulator's other answers on a loaded machine.
const faultTimeout = time.Second

// stale is what has run out in the stored sign-in when the faulty
// command starts.
type stale int

const (
	staleNone     stale = iota // nothing: the command needs no network
	stalePlatform              // the platform token: its refresh token renews it
	staleCognito               // the platform token and its refresh token: Cognito's refresh token, then a new provision
)

// TestFaultNetwork injects the network's faults through the emulator's
// hooks (authtest.Fault) and a cutting proxy, the clock's through the
// harness, and busy ports through real listeners, into sign-in and
// refresh through the real command.
func TestFaultNetwork(t *testing.T) {
	retryAfter1 := http.Header{"Retry-After": {"1"}}
	never := authtest.Fault{Delay: time.Hour} // ended by the client's timeout
	tests := []struct {
		name string
		opts authtest.Options
		// stale is what has run out before the command; the sign-in
		// is made first in every case, so there is something to lose.
		stale stale
		// fault breaks something; the case's retry runs after
		// h.srv.ClearFaults, f.clear and fix.
		fault func(h *harness, f *faultEnv)
		fix   func(h *harness, f *faultEnv)
		args  []string // the command under the fault
		// wantCode 0: the command got past the fault by itself.
		wantCode int
		wantErr  []string // each in stderr: what went wrong and what to do
		// minWait is the least time the command must have waited (a
		// Retry-After honoured); a lower bound, never flaky.
		minWait time.Duration
		// short: the faulty command's HTTP timeout is faultTimeout.
		short bool
		// requests checks the emulator's counts after the command.
		requests func(t *testing.T, before, after authtest.Counts)
	}{
		{
			name: "provider 500 once during refresh: retried", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 500, Body: `{"error":"server_error"}`, Times: 1})
			},
			requests: wantRequests("CognitoRefresh", 2),
		},
		{
			name: "provider 502 throughout refresh", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"})
			},
			wantCode: exitError, wantErr: []string{"HTTP 502", "try again"},
			requests: wantRequests("CognitoRefresh", 3),
		},
		{
			name: "provider 503 with Retry-After during refresh: retried after it", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 503, Times: 1, Header: retryAfter1,
					Body: `{"error":"temporarily_unavailable"}`})
			},
			minWait: time.Second, requests: wantRequests("CognitoRefresh", 2),
		},
		{
			name: "provider 429 with Retry-After during refresh: retried after it", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 429, Times: 1, Header: retryAfter1,
					Body: `{"error":"TooManyRequestsException"}`})
			},
			minWait: time.Second, requests: wantRequests("CognitoRefresh", 2),
		},
		{
			name: "platform 500 once during platform refresh: retried", stale: stalePlatform, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/platform/oauth/token", authtest.Fault{Status: 500, Body: `{"error":"server_error"}`, Times: 1})
			},
			requests: wantRequests("PlatformRefresh", 2),
		},
		{
			name: "platform 502 throughout provision after a Cognito refresh", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 502, Body: "<html>Bad Gateway</html>"})
			},
			wantCode: exitError, wantErr: []string{"platform provision", "try again later", "HTTP 502"},
		},
		{
			name: "platform 503 with Retry-After throughout sign-in", args: []string{"login"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/platform/oauth/token", authtest.Fault{Status: 503, Header: retryAfter1, Body: "down for maintenance"})
			},
			wantCode: exitError, wantErr: []string{"platform app token", "try again later", "HTTP 503"},
		},
		{
			name: "platform 429 with Retry-After during platform refresh: retried after it", stale: stalePlatform, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/platform/oauth/token", authtest.Fault{Status: 429, Times: 1, Header: retryAfter1,
					Body: `{"error":"too_many_requests"}`})
			},
			minWait: time.Second, requests: wantRequests("PlatformRefresh", 2),
		},
		{
			name: "provider never answers the refresh: timed out", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) { h.srv.SetFault("/oauth2/token", never) }, short: true,
			wantCode: exitError, wantErr: []string{"refresh", "did not answer in time", "try again"},
			requests: wantRequests("CognitoRefresh", 3),
		},
		{
			name: "platform never answers the provision at sign-in: timed out", args: []string{"login"},
			fault: func(h *harness, _ *faultEnv) { h.srv.SetFault(h.srv.ProvisionPath(), never) }, short: true,
			wantCode: exitError, wantErr: []string{"platform provision", "timed out", "try again"},
		},
		{
			name: "provider resets the connection mid-body after rotating: retried within the grace", stale: staleCognito, args: []string{"token"},
			opts:     authtest.Options{RotateRefreshTokens: true, RefreshGrace: 30 * time.Second},
			fault:    func(_ *harness, f *faultEnv) { f.cutNext("/oauth2/token", 1) },
			requests: wantRequests("CognitoRefresh", 2),
		},
		{
			name: "provider closes the connection mid-body after rotating: retried within the grace", stale: staleCognito, args: []string{"token"},
			opts:     authtest.Options{RotateRefreshTokens: true, RefreshGrace: 30 * time.Second},
			fault:    func(_ *harness, f *faultEnv) { f.closeNext("/oauth2/token", 1) },
			requests: wantRequests("CognitoRefresh", 2),
		},
		{
			name: "platform resets the connection mid-body: retried", stale: stalePlatform, args: []string{"token"},
			fault:    func(_ *harness, f *faultEnv) { f.cutNext("/platform/oauth/token", 1) },
			requests: wantRequests("PlatformRefresh", 2),
		},
		{
			name: "provider answers malformed JSON to the refresh", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 200, Body: `{"id_token": "eyJ`})
			},
			wantCode: exitError, wantErr: []string{"refresh", "try again"},
		},
		{
			name: "platform answers malformed JSON to the provision at sign-in", args: []string{"login"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 200, Body: `{"access_token": `})
			},
			wantCode: exitError, wantErr: []string{"platform provision", "without a usable token", "try again later"},
		},
		{
			name: "JWKS down during a refresh with rotation: the rotated token is kept", stale: staleCognito, args: []string{"token"},
			opts: authtest.Options{RotateRefreshTokens: true},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/"+h.srv.PoolID()+"/.well-known/jwks.json", authtest.Fault{Status: 503, Body: "Service Unavailable"})
			},
			wantCode: exitError, wantErr: []string{"signing keys", "503", "try again"},
		},
		{
			name: "discovery 500 at sign-in", args: []string{"login"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/"+h.srv.PoolID()+"/.well-known/openid-configuration", authtest.Fault{Status: 500, Body: "Internal Server Error"})
			},
			wantCode: exitError, wantErr: []string{"500", "try again"},
		},
		{
			name: "provider 503 at the code exchange of a sign-in", args: []string{"login"},
			fault: func(h *harness, _ *faultEnv) {
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 503, Body: `{"error":"temporarily_unavailable"}`})
			},
			wantCode: exitError, wantErr: []string{"code exchange", "503", "try again"},
		},
		{
			name: "every redirect port busy at sign-in", args: []string{"login"},
			fault:    func(h *harness, f *faultEnv) { f.holdPorts(h.ports) },
			fix:      func(_ *harness, f *faultEnv) { f.releasePorts() },
			wantCode: exitError, wantErr: []string{"callback ports are busy", "in use", "close the other sign-in", "add a free port to redirect_ports"},
		},
		{
			name: "this machine's clock 4 minutes fast: sign-in and refresh work", stale: staleCognito, args: []string{"token"},
			fault: func(h *harness, _ *faultEnv) { h.now = func() time.Time { return time.Now().Add(4 * time.Minute) } },
		},
		{
			name: "this machine's clock 4 minutes slow", stale: staleCognito, args: []string{"token"},
			fault:    func(h *harness, _ *faultEnv) { h.now = func() time.Time { return time.Now().Add(-4 * time.Minute) } },
			fix:      func(h *harness, _ *faultEnv) { h.now = nil },
			wantCode: exitError, wantErr: []string{"clock"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, f := newFaultEnv(t, tt.opts)
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			h.makeStale(tt.stale)
			kept := h.keep()

			tt.fault(h, f)
			before := h.srv.Counts()
			start := time.Now()
			timeout := 10 * time.Second
			if tt.short {
				timeout = faultTimeout
			}
			code := h.runFault(t, timeout, tt.args...)
			took := time.Since(start)
			after := h.srv.Counts()
			t.Logf("exit %d after %s; stderr:\n%s", code, took.Round(time.Millisecond), h.stderr.String())
			if code != tt.wantCode {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, tt.wantCode, h.stderr.String())
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(h.stderr.String(), want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			if took < tt.minWait {
				t.Errorf("the command took %s; want at least %s (the Retry-After)", took, tt.minWait)
			}
			if tt.requests != nil {
				tt.requests(t, before, after)
			}
			kept.check(t, h)

			// The retry: the user runs the command again once the fault is
			// gone (or it already succeeded); then the stored sign-in must
			// still renew.
			h.srv.ClearFaults()
			if tt.fix != nil {
				tt.fix(h, f)
			}
			f.clear()
			if code != exitOK {
				if code := h.runShort(t, tt.args...); code != exitOK {
					t.Fatalf("retry after the fault: exit %d; stderr:\n%s", code, h.stderr.String())
				}
				kept.check(t, h)
			}
			h.mustRenew(t)
		})
	}
}

// wantRequests checks that the command sent n requests of one kind
// (an authtest.Counts field): a transient fault was retried.
func wantRequests(field string, n int) func(t *testing.T, before, after authtest.Counts) {
	return func(t *testing.T, before, after authtest.Counts) {
		t.Helper()
		var got int
		switch field {
		case "CognitoRefresh":
			got = after.CognitoRefresh - before.CognitoRefresh
		case "PlatformRefresh":
			got = after.PlatformRefresh - before.PlatformRefresh
		default:
			t.Fatalf("unknown count %q", field)
		}
		if got != n {
			t.Errorf("%s requests = %d; want %d", field, got, n)
		}
	}
}

// faultEnv is what a network fault case controls beyond the emulator: a
// proxy in front of the token endpoint and the platform that can cut
// answers, and listeners holding ports.
type faultEnv struct {
	t     *testing.T
	proxy *cutProxy
	held  []net.Listener
}

// newFaultEnv is a harness whose provider token endpoint (through
// discovery) and platform (through the profile) are behind a cutProxy,
// with the opt-in file store so child processes could share it.
func newFaultEnv(t *testing.T, opts authtest.Options) (*harness, *faultEnv) {
	h := newHarness(t, opts)
	f := &faultEnv{t: t, proxy: newCutProxy(t, h.srv.URL())}
	h.srv.SetDiscoveryHook(func(doc map[string]any) { doc["token_endpoint"] = f.proxy.url + "/oauth2/token" })
	h.writeProfile(func(p *config.Profile) { p.Platform.BaseURL = f.proxy.url + "/platform" })
	t.Cleanup(f.clear)
	return h, f
}

// cutNext makes the proxy cut the next n answers to path.
func (f *faultEnv) cutNext(path string, n int) {
	f.proxy.mu.Lock()
	defer f.proxy.mu.Unlock()
	f.proxy.cut[path] = n
}

// closeNext is cutNext with a plain close (FIN) instead of a reset.
func (f *faultEnv) closeNext(path string, n int) {
	f.proxy.mu.Lock()
	defer f.proxy.mu.Unlock()
	f.proxy.cut[path], f.proxy.fin = n, true
}

// holdPorts listens on every port on both loopback addresses, as another
// program would.
func (f *faultEnv) holdPorts(ports []int) {
	for _, p := range ports {
		for _, host := range []string{"127.0.0.1", "::1"} {
			l, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(p)))
			if err != nil {
				if host == "::1" {
					continue // no IPv6 loopback here: the IPv4 one alone makes the port busy
				}
				f.t.Fatalf("holding port %d: %v", p, err)
			}
			f.held = append(f.held, l)
		}
	}
}

func (f *faultEnv) releasePorts() {
	for _, l := range f.held {
		l.Close()
	}
	f.held = nil
}

// clear ends every fault of f.
func (f *faultEnv) clear() {
	f.releasePorts()
	f.proxy.mu.Lock()
	clear(f.proxy.cut)
	f.proxy.fin = false
	f.proxy.mu.Unlock()
}

// cutProxy forwards requests to the emulator. An answer to a path it
// was told to cut is sent with its full Content-Length, half its body,
// then a TCP reset: the server did the work (a refresh token may have
// rotated), the client never got the whole answer.
type cutProxy struct {
	url    string
	target string
	mu     sync.Mutex
	cut    map[string]int // path -> answers left to cut
	fin    bool           // end a cut answer with a plain close, not a reset
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	p := &cutProxy{target: target, cut: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *cutProxy) serve(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	cut, fin := p.cut[r.URL.Path] > 0, p.fin
	if cut {
		p.cut[r.URL.Path]--
	}
	p.mu.Unlock()
	if !cut {
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		resp.Status, resp.Header.Get("Content-Type"), len(body))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && !fin {
		_ = tc.SetLinger(0) // close with a reset, not a FIN
	}
	conn.Close()
}

// runShort runs the command like harness.run, with the emulator's browser
// for a sign-in.
func (h *harness) runShort(t *testing.T, args ...string) int {
	return h.runFault(t, 10*time.Second, args...)
}

// runFault is runShort with the HTTP client's timeout.
func (h *harness) runFault(t *testing.T, timeout time.Duration, args ...string) int {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	return h.runEnv(ctx, func(e *Env) {
		e.HTTP = &http.Client{Timeout: timeout}
		e.Opener = goBrowser("designer", "Design-2026!")
	}, args...)
}

// runEnv runs the command like harness.run, with the Env changed by mod.
func (h *harness) runEnv(ctx context.Context, mod func(*Env), args ...string) int {
	h.stdout.Reset()
	h.stderr.Reset()
	env := &Env{
		Stdin:  strings.NewReader(""),
		Stdout: &h.stdout, Stderr: &h.stderr,
		Getenv:       func(k string) string { return h.env[k] },
		HTTP:         &http.Client{Timeout: 10 * time.Second},
		Now:          time.Now,
		Keyring:      h.keyring,
		DataDir:      h.dataDir(),
		SystemConfig: h.system,
	}
	if h.now != nil {
		env.Now = h.now
	}
	mod(env)
	return run(ctx, args, env)
}

// makeStale lets the stored sign-in's tokens run out as s says.
func (h *harness) makeStale(s stale) {
	switch s {
	case stalePlatform:
		h.editSession(func(s *auth.SignIn) { s.Platform.Expiry = time.Now().Add(-time.Minute) })
	case staleCognito:
		h.editSession(func(s *auth.SignIn) {
			s.Platform.Expiry = time.Now().Add(-time.Minute)
			s.Platform.RefreshToken = "ended-by-the-platform"
			s.Expiry = time.Now().Add(-time.Minute)
		})
	}
}

// signInFile is the sealed file of profile work's saved sign-in
// (keystore's file name for "session/work").
func (h *harness) signInFile() string { return filepath.Join(h.dataDir(), "session~work.vault") }

// keptSignIn is a stored sign-in as it was before a fault.
type keptSignIn struct {
	file  []byte       // the sealed file, byte for byte
	value []byte       // what it holds
	s     *auth.SignIn // decoded
}

// keep records the stored sign-in of profile work.
func (h *harness) keep() *keptSignIn {
	h.t.Helper()
	file, err := os.ReadFile(h.signInFile())
	if err != nil {
		h.t.Fatalf("no stored sign-in to keep: %v", err)
	}
	value, err := h.store().Get(context.Background(), account.Name("work"))
	if err != nil {
		h.t.Fatal(err)
	}
	return &keptSignIn{file: file, value: value, s: h.loadSession()}
}

// check fails unless the stored sign-in is k's, byte for byte, or a
// valid newer sign-in of the same user: readable, with a refresh token,
// and not older than k's.
func (k *keptSignIn) check(t *testing.T, h *harness) {
	t.Helper()
	file, err := os.ReadFile(h.signInFile())
	if err != nil {
		t.Fatalf("the stored sign-in is gone: %v", err)
	}
	if bytes.Equal(file, k.file) {
		return
	}
	value, err := h.store().Get(context.Background(), account.Name("work"))
	if err != nil {
		t.Fatalf("the stored sign-in changed and cannot be read: %v", err)
	}
	if bytes.Equal(value, k.value) {
		return // sealed again, same content
	}
	s := h.loadSession()
	switch {
	case s.Claims.Subject != k.s.Claims.Subject:
		t.Fatalf("the stored sign-in is now another user's")
	case s.RefreshToken == "":
		t.Fatalf("the stored sign-in lost its refresh token")
	case s.Expiry.Before(k.s.Expiry) && s.RefreshToken == k.s.RefreshToken:
		t.Fatalf("the stored sign-in is older than before the fault")
	}
}

// mustRenew proves the stored sign-in still works: with every token run
// out, `token` renews it through Cognito's refresh token and a provision.
func (h *harness) mustRenew(t *testing.T) {
	t.Helper()
	h.makeStale(staleCognito)
	if code := h.runShort(t, "token"); code != exitOK {
		t.Fatalf("the stored sign-in no longer renews: exit %d; stderr:\n%s", code, h.stderr.String())
	}
	if got, want := h.stdout.String(), h.loadSession().Token()+"\n"; got != want {
		t.Errorf("token printed another token than the one saved")
	}
}

// envFaultChild makes the test binary run the inside of one machine fault
// test, in the real mechanism its parent started it in: a private
// gnome-keyring ("keyring") or a private mount namespace ("disk-full").
const envFaultChild = "SSOHELPER_FAULT_CHILD"

// runFaultChild runs this test binary's test name as a child inside
// wrapper (a command and its arguments that end by running the rest), with
// envFaultChild=child, and fails unless it passes. Its output is logged.
func runFaultChild(t *testing.T, name, child string, wrapper ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	argv := append(wrapper, os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), envFaultChild+"="+child, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", strings.Join(wrapper, " "), out)
	if err == nil && strings.Contains(string(out), "--- SKIP: "+name) {
		t.Skip("the child skipped (see its output above)")
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("the run inside %s did not pass: %v", wrapper[0], err)
	}
}

// TestFaultKeyring: the system keyring locked, missing (no D-Bus session
// bus) and slow (a Secret Service that never answers) while a sign-in is
// stored in it. Each command fails with what to do, the stored sign-in is
// untouched, and once the keyring is back the same command succeeds. The
// keyring is a real, private gnome-keyring (keystore/testdata/with-keyring.sh,
// in a child process), so locking it disturbs nobody; one that does not
// start fails the test.
func TestFaultKeyring(t *testing.T) {
	if os.Getenv(envFaultChild) == "keyring" {
		faultKeyring(t)
		return
	}
	script := privateKeyringScript(t)
	runFaultChild(t, "TestFaultKeyring", "keyring", script)
}

// faultKeyring is TestFaultKeyring inside the private keyring.
func faultKeyring(t *testing.T) {
	const login = "/org/freedesktop/secrets/collection/login"
	lock := func(t *testing.T) {
		secretService(t, "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", "array:objpath:"+login)
		t.Cleanup(func() { unlockLogin(t) })
	}
	hold := neverAnsweringBus(t)
	tests := []struct {
		name  string
		stale stale
		fault func(t *testing.T, h *harness) []string // nil: run in this process; else the separate process's environment
		args  []string
		// wantCode and wantErr are the faulty run's outcome.
		wantCode int
		wantErr  []string
	}{
		{
			name: "locked: a refresh", stale: stalePlatform, args: []string{"token"},
			fault:    func(t *testing.T, _ *harness) []string { lock(t); return nil },
			wantCode: exitError, wantErr: []string{"to fix: unlock the system keyring", "locked"},
		},
		{
			name: "locked: a sign-in is not started", args: []string{"login"},
			fault:    func(t *testing.T, _ *harness) []string { lock(t); return nil },
			wantCode: exitError, wantErr: []string{"to fix: unlock the system keyring", "not started"},
		},
		{
			name: "locked: a sign-out deletes nothing", args: []string{"logout"},
			fault:    func(t *testing.T, _ *harness) []string { lock(t); return nil },
			wantCode: exitError, wantErr: []string{"nothing was deleted", "unlock the system keyring"},
		},
		{
			name: "missing: no D-Bus session bus", stale: stalePlatform, args: []string{"token"},
			fault: func(t *testing.T, h *harness) []string {
				var env []string
				for _, kv := range os.Environ() {
					if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
						env = append(env, kv)
					}
				}
				return h.faultProcEnv(env, "XDG_RUNTIME_DIR="+t.TempDir())
			},
			wantCode: exitError, wantErr: []string{"to fix: start a system keyring", "--insecure-file-store"},
		},
		{
			name: "slow: the Secret Service never answers", stale: stalePlatform, args: []string{"token"},
			fault: func(_ *testing.T, h *harness) []string {
				return h.faultProcEnv(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=unix:path="+hold)
			},
			wantCode: exitError, wantErr: []string{"did not answer within 5s", "unlock the system keyring"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			h.keyring = keystore.OSKeyring{}
			h.env[envNoKeyCache] = "1" // the kernel key cache is per user: keep this key out of it
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			h.makeStale(tt.stale)
			kept := h.keep()
			before := h.srv.Counts()

			env := tt.fault(t, h)
			code, stderr := h.runHere(t, env, tt.args...)
			t.Logf("exit %d; stderr:\n%s", code, stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d; want %d", code, tt.wantCode)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			if got := h.srv.Counts(); got != before {
				t.Errorf("the provider or platform was asked while the keyring was unusable: %+v; before %+v", got, before)
			}
			kept.check(t, h)

			// The keyring is back: the same command succeeds, in a
			// process of its own for the bus faults.
			unlockLogin(t)
			if env != nil {
				env = h.faultProcEnv(os.Environ())
			}
			if code, stderr := h.runHere(t, env, tt.args...); code != exitOK {
				t.Fatalf("retry with the keyring back: exit %d; stderr:\n%s", code, stderr)
			}
			if tt.args[0] == "logout" {
				if got := h.srv.Counts().Revoke; got != before.Revoke+1 {
					t.Errorf("revocations = %d; want %d", got, before.Revoke+1)
				}
				return
			}
			kept.check(t, h)
			h.mustRenew(t)
		})
	}
}

// faultProcEnv is base plus what a separate ssohelper process needs to use
// this harness's config, data directory and platform secret, without the
// kernel key cache, plus extra.
func (h *harness) faultProcEnv(base []string, extra ...string) []string {
	return h.procEnv(base, append([]string{
		config.EnvPlatformSecret + "=" + h.env[config.EnvPlatformSecret], envNoKeyCache + "=1",
	}, extra...)...)
}

// runHere runs the command in this process (env nil) or as a separate
// ssohelper process with env, with the emulator's browser for a sign-in.
func (h *harness) runHere(t *testing.T, env []string, args ...string) (int, string) {
	if env == nil {
		code := h.runShort(t, args...)
		return code, h.stderr.String()
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ssohelperBinary(t), args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	h.stdout.Reset()
	h.stdout.Write(stdout.Bytes())
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// unlockLogin unlocks the private gnome-keyring's login collection with
// its password, through gnome-keyring's own interface for that (the
// Secret Service's Unlock would need a prompt, and there is no display).
func unlockLogin(t *testing.T) {
	t.Helper()
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	svc := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var out dbus.Variant
	var session dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session); err != nil {
		t.Fatalf("opening a Secret Service session: %v", err)
	}
	type secret struct {
		Session     dbus.ObjectPath
		Params      []byte
		Value       []byte
		ContentType string
	}
	call := svc.Call("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", 0,
		dbus.ObjectPath("/org/freedesktop/secrets/collection/login"), secret{session, nil, []byte("pass"), "text/plain"})
	if call.Err != nil {
		t.Fatalf("unlocking the login collection: %v", call.Err)
	}
}

// neverAnsweringBus is a unix socket that accepts connections and never
// answers: a Secret Service stuck behind an unlock prompt. It returns the
// socket's path.
func neverAnsweringBus(t *testing.T) string {
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() { // holds every connection until the test ends; exits when l closes
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return sock
}

// TestFaultDiskFull: the disk is full when a renewed or new sign-in is
// saved. The command fails with what to do, the stored sign-in is kept
// byte for byte (no half-written file either), and once there is space
// again the same command succeeds: with refresh-token rotation too, inside
// the provider's grace period. The disk is a 256 KiB tmpfs mounted in a
// private mount namespace (unshare -m, in a child process; CI runs as
// root), so nothing outside the test sees it. A mount that fails fails
// the test when SSOHELPER_REQUIRE_REAL is set.
func TestFaultDiskFull(t *testing.T) {
	if os.Getenv(envFaultChild) == "disk-full" {
		faultDiskFull(t)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("tmpfs and mount namespaces are Linux's")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		realPart(t, "a private mount namespace (unshare, util-linux)", err.Error())
	}
	if out, err := exec.Command("unshare", "-m", "--propagation", "private", "true").CombinedOutput(); err != nil {
		realPart(t, "a private mount namespace (unshare -m needs root)", fmt.Sprintf("%v: %s", err, out))
	}
	runFaultChild(t, "TestFaultDiskFull", "disk-full", "unshare", "-m", "--propagation", "private")
}

// faultDiskFull is TestFaultDiskFull inside its mount namespace.
func faultDiskFull(t *testing.T) {
	tests := []struct {
		name    string
		opts    authtest.Options
		stale   stale
		args    []string
		wantErr []string
	}{
		{
			name: "a platform refresh", stale: stalePlatform, args: []string{"token"},
			wantErr: []string{"to fix: free some disk space", "no space left on device"},
		},
		{
			name: "a Cognito refresh with rotation", stale: staleCognito, args: []string{"token"},
			opts:    authtest.Options{RotateRefreshTokens: true, RefreshGrace: 30 * time.Second},
			wantErr: []string{"to fix: free some disk space", "no space left on device"},
		},
		{
			name: "a new sign-in over a stored one", args: []string{"login"},
			wantErr: []string{"to fix: free some disk space", "no space left on device"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			disk := filepath.Join(h.dir, "xdg") // holds the data directory
			mountTmpfs(t, disk, "256k")
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			h.makeStale(tt.stale)
			kept := h.keep()

			free := testdisk.Fill(t, disk, 0)
			code := h.runShort(t, tt.args...)
			t.Logf("exit %d; stderr:\n%s", code, h.stderr.String())
			if code != exitError {
				t.Fatalf("exit %d; want %d", code, exitError)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(h.stderr.String(), want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			kept.check(t, h)
			if temps, _ := filepath.Glob(filepath.Join(h.dataDir(), ".*.tmp-*")); len(temps) > 0 {
				t.Errorf("half-written files left behind: %v", temps)
			}

			free()
			if code := h.runShort(t, tt.args...); code != exitOK {
				t.Fatalf("retry with space again: exit %d; stderr:\n%s", code, h.stderr.String())
			}
			kept.check(t, h)
			h.mustRenew(t)
		})
	}
}

// mountTmpfs mounts a tmpfs of size on dir until the test ends.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		realPart(t, "a tmpfs to fill", fmt.Sprintf("mount: %v: %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}
