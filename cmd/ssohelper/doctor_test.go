package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
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
