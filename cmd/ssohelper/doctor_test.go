package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// doctorRun runs doctor --format json and returns its checks by name.
func doctorRun(t *testing.T, h *harness) (map[string]check, []string, int) {
	t.Helper()
	code := h.run(context.Background(), nil, "doctor", "--format", "json")
	var out struct {
		Checks   []check
		Register []string
	}
	if err := json.Unmarshal(h.stdout.Bytes(), &out); err != nil {
		t.Fatalf("doctor json: %v\n%s\n%s", err, h.stdout.String(), h.stderr.String())
	}
	m := map[string]check{}
	for _, c := range out.Checks {
		m[c.Name] = c
	}
	return m, out.Register, code
}

// TestDoctor: against the emulator every check passes; then each fault is
// a failure (or warning) that names the fix: a busy port, a callback URL
// the app client does not have, a scope it does not allow, the platform
// refusing the client app, the provider's clock far off, an issuer that
// does not answer.
func TestDoctor(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	checks, register, code := doctorRun(t, h)
	if code != exitOK {
		t.Fatalf("doctor on a good set-up: exit %d\n%s", code, h.stdout.String())
	}
	for _, name := range []string{"config", "localhost", "keyring", "proxy", "discovery", "clock", "keys", "authorize", "token endpoint", "platform"} {
		if c, ok := checks[name]; !ok || c.Status == "fail" {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if len(register) != len(h.ports) || !strings.Contains(register[0], fmt.Sprintf("http://localhost:%d/callback", h.ports[0])) {
		t.Errorf("URLs to register: %v", register)
	}

	// A busy callback port: a warning (the next port is used).
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", h.ports[0]))
	if err != nil {
		t.Fatal(err)
	}
	checks, _, _ = doctorRun(t, h)
	l.Close()
	if c := checks[fmt.Sprintf("port %d", h.ports[0])]; c.Status != "warn" || !strings.Contains(c.Detail, "busy on 127.0.0.1") {
		t.Errorf("busy port: %+v", c)
	}

	// This machine's clock 5 minutes ahead of the provider's Date.
	h.now = func() time.Time { return time.Now().Add(5 * time.Minute) }
	checks, _, code = doctorRun(t, h)
	h.now = nil
	// The Date header has whole seconds: the skew reads 5m0s or 5m1s.
	if c := checks["clock"]; c.Status != "fail" || code == exitOK || !strings.Contains(c.Detail, "clock is 5m") {
		t.Errorf("clock skew: exit %d, %+v", code, c)
	}

	// The platform refuses the client app's secret.
	h.env[config.EnvPlatformSecret] = "wrong-secret"
	checks, _, code = doctorRun(t, h)
	if c := checks["platform"]; c.Status != "fail" || code == exitOK || !strings.Contains(c.Fix, "client_app_id") {
		t.Errorf("wrong platform secret: exit %d, %+v", code, c)
	}
}

// TestDoctorAuthorizeProbe: each way the authorize endpoint refuses the
// profile fails the probe, naming the cause and the fix, without a
// sign-in: Cognito's error page for a callback URL the app client lacks
// (redirect_mismatch) or an unknown client id (invalid_request), its
// redirect to the callback for a scope the client does not allow, an error
// page that names invalid_scope, an error page served straight away with
// 400, and hostile error text, which is cleaned.
func TestDoctorAuthorizeProbe(t *testing.T) {
	for _, tc := range []struct {
		name     string
		client   func(*authtest.Client)
		setup    func(h *harness)
		wantText func(h *harness) []string // in the detail
		wantFix  func(h *harness) []string
	}{
		{
			name:   "callback not registered",
			client: func(c *authtest.Client) { c.CallbackURLs = c.CallbackURLs[1:] },
			wantText: func(h *harness) []string {
				return []string{"its error page", "redirect_mismatch", h.profile().RedirectURI(h.ports[0]), "not registered on app client " + authtest.DemoClient().ID}
			},
			wantFix: func(h *harness) []string {
				return []string{"Allowed callback URLs", h.profile().RedirectURI(h.ports[0])}
			},
		},
		{
			name:     "scope not allowed",
			client:   func(c *authtest.Client) { c.Scopes = []string{"openid", "email"} },
			wantText: func(h *harness) []string { return []string{"invalid_scope", strings.Join(h.profile().Scopes, " ")} },
			wantFix:  func(*harness) []string { return []string{"OpenID Connect scopes"} },
		},
		{
			name: "unknown client id",
			setup: func(h *harness) {
				h.writeProfile(func(p *config.Profile) { p.ClientID = "0nosuch0client0000000000000" })
			},
			wantText: func(*harness) []string {
				return []string{"its error page", "invalid_request", "no app client 0nosuch0client0000000000000"}
			},
			wantFix: func(*harness) []string { return []string{"client_id"} },
		},
		{
			name: "error page naming invalid_scope",
			setup: func(h *harness) {
				h.srv.SetFault("/oauth2/authorize", authtest.Fault{Status: http.StatusFound,
					Header: http.Header{"Location": {h.srv.URL() + "/error?error=invalid_scope"}}})
			},
			wantText: func(h *harness) []string {
				return []string{"its error page", "invalid_scope", strings.Join(h.profile().Scopes, " ")}
			},
			wantFix: func(*harness) []string { return []string{"OpenID Connect scopes"} },
		},
		{
			name: "error page answering 400 directly",
			setup: func(h *harness) {
				h.srv.SetFault("/oauth2/authorize", authtest.Fault{Status: http.StatusBadRequest,
					Body: "An error was encountered with the requested page.", Header: http.Header{"Content-Type": {"text/html"}}})
			},
			wantText: func(h *harness) []string { return []string{"HTTP 400", h.profile().RedirectURI(h.ports[0])} },
			wantFix:  func(*harness) []string { return []string{"Allowed callback URLs", "client_id"} },
		},
		{
			name: "hostile error text",
			setup: func(h *harness) {
				cb := h.profile().RedirectURI(h.ports[0])
				h.srv.SetFault("/oauth2/authorize", authtest.Fault{Status: http.StatusFound,
					Header: http.Header{"Location": {cb + "?" + url.Values{"error": {"server_error\x1b]0;pwned\x07"}, "error_description": {"\u202ebad\x1b[31m"}}.Encode()}}})
			},
			wantText: func(*harness) []string { return []string{"back to the callback", "server_error"} },
			wantFix:  func(*harness) []string { return []string{"Login pages"} },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessClient(t, authtest.Options{}, tc.client)
			if tc.setup != nil {
				tc.setup(h)
			}
			checks, _, code := doctorRun(t, h)
			c := checks["authorize"]
			if c.Status != "fail" || code == exitOK {
				t.Fatalf("exit %d, %+v; want the authorize line to fail", code, c)
			}
			for _, want := range tc.wantText(h) {
				if !strings.Contains(c.Detail, want) {
					t.Errorf("detail %q lacks %q", c.Detail, want)
				}
			}
			for _, want := range tc.wantFix(h) {
				if !strings.Contains(c.Fix, want) {
					t.Errorf("fix %q lacks %q", c.Fix, want)
				}
			}
			if strings.ContainsAny(c.Detail+c.Fix, "\x1b\x07\u202e") {
				t.Errorf("detail or fix keeps control or format characters: %q %q", c.Detail, c.Fix)
			}
		})
	}
}

// TestDoctorIssuerMismatch: a discovery document whose issuer is not
// exactly the configured one fails the discovery line, naming both.
func TestDoctorIssuerMismatch(t *testing.T) {
	const other = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"
	for _, tc := range []struct {
		name  string
		setup func(h *harness) (served, configured string)
	}{
		{"provider names another issuer", func(h *harness) (string, string) {
			h.srv.SetDiscoveryHook(func(d map[string]any) { d["issuer"] = other })
			return other, h.srv.Issuer()
		}},
		{"profile's issuer has a trailing slash", func(h *harness) (string, string) {
			h.writeProfile(func(p *config.Profile) { p.Issuer = h.srv.Issuer() + "/" })
			return h.srv.Issuer(), h.srv.Issuer() + "/"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			served, configured := tc.setup(h)
			checks, _, code := doctorRun(t, h)
			c := checks["discovery"]
			if c.Status != "fail" || code == exitOK {
				t.Fatalf("exit %d, %+v; want the discovery line to fail", code, c)
			}
			for _, want := range []string{fmt.Sprintf("%q", served), fmt.Sprintf("%q", configured)} {
				if !strings.Contains(c.Detail, want) {
					t.Errorf("detail %q lacks %s", c.Detail, want)
				}
			}
			if c.Fix == "" {
				t.Errorf("no fix: %+v", c)
			}
		})
	}
}

// envDoctorChild makes the test binary run one doctor test's inner part,
// inside the private Secret Service that TestDoctorLockedKeyring starts.
const envDoctorChild = "SSOHELPER_DOCTOR_CHILD"

// TestDoctorLockedKeyring runs doctor against a real gnome-keyring whose
// login collection is locked: the keyring line fails within its timeout,
// says the keyring is locked and says to unlock it. The keyring is a
// private one (keystore/testdata/with-keyring.sh, in a child process), so
// locking it cannot disturb other tests or the user's own. A gnome-keyring
// that is installed but does not start fails the test.
func TestDoctorLockedKeyring(t *testing.T) {
	if os.Getenv(envDoctorChild) == "locked-keyring" {
		doctorLockedKeyring(t)
		return
	}
	script := privateKeyringScript(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, os.Args[0], "-test.run=^TestDoctorLockedKeyring$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), envDoctorChild+"=locked-keyring")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("with-keyring.sh (a private gnome-keyring on a private D-Bus session): %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestDoctorLockedKeyring") {
		t.Fatalf("the run inside the private keyring did not pass:\n%s", out)
	}
}

// doctorLockedKeyring is TestDoctorLockedKeyring inside the private
// keyring: a vault key from an earlier sign-in, then the login collection
// locked through the Secret Service API, then doctor.
func doctorLockedKeyring(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.keyring = keystore.OSKeyring{}
	h.env[envNoKeyCache] = "1" // the kernel key cache is per user: keep this key out of it
	st, err := keystore.New(keystore.Options{Dir: h.dataDir(), Keyring: keystore.OSKeyring{}, KeyCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(t.Context(), "probe", []byte("x")); err != nil {
		t.Fatalf("storing a vault key in the private keyring: %v", err)
	}
	checks, _, _ := doctorRun(t, h)
	if c := checks["keyring"]; c.Status != "pass" {
		t.Fatalf("unlocked keyring: %+v; want pass", c)
	}

	const login = "/org/freedesktop/secrets/collection/login"
	secretService(t, "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", "array:objpath:"+login)
	if got := secretService(t, login, "org.freedesktop.DBus.Properties.Get",
		"string:org.freedesktop.Secret.Collection", "string:Locked"); !strings.Contains(got, "boolean true") {
		t.Fatalf("the login collection is not locked after Lock:\n%s", got)
	}

	start := time.Now()
	checks, _, code := doctorRun(t, h)
	took := time.Since(start)
	c := checks["keyring"]
	t.Logf("keyring check after %s: %+v", took.Round(time.Millisecond), c)
	if c.Status != "fail" || code == exitOK {
		t.Fatalf("locked keyring: exit %d, %+v; want the keyring line to fail", code, c)
	}
	if !strings.Contains(c.Detail, "locked") {
		t.Errorf("detail %q does not say the keyring is locked", c.Detail)
	}
	if !strings.Contains(c.Fix, "unlock the keyring") {
		t.Errorf("fix %q does not say to unlock the keyring", c.Fix)
	}
}

// secretService calls method on the Secret Service object path with
// dbus-send and returns the reply.
func secretService(t *testing.T, path, method string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	argv := append([]string{"--session", "--print-reply", "--dest=org.freedesktop.secrets", path, method}, args...)
	out, err := exec.CommandContext(ctx, "dbus-send", argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("dbus-send %s: %v\n%s", method, err, out)
	}
	return string(out)
}
