package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
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

// TestDoctorAuthorizeProbe: a callback URL the app client lacks, and a
// scope it does not allow, fail the authorize probe without a sign-in.
func TestDoctorAuthorizeProbe(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*authtest.Client)
		want string
	}{
		{"callback not registered", func(c *authtest.Client) { c.CallbackURLs = c.CallbackURLs[1:] }, "redirect_mismatch"},
		{"scope not allowed", func(c *authtest.Client) { c.Scopes = []string{"openid", "email"} }, "invalid_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarnessClient(t, authtest.Options{}, tc.mod)
			checks, _, code := doctorRun(t, h)
			if c := checks["authorize"]; c.Status != "fail" || code == exitOK || !strings.Contains(c.Detail, tc.want) || c.Fix == "" {
				t.Errorf("exit %d, %+v; want a failure naming %q", code, c, tc.want)
			}
		})
	}
}
