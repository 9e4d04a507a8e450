package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	keyring "github.com/zalando/go-keyring"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

var errNotFound = keyring.ErrNotFound

// pageError is a browser that only loads the page and, when the page is an
// error, returns its text.
func pageError(ctx context.Context, raw string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s: %s", resp.Status, body)
	}
	return nil
}

// goBrowser is the Go HTTP client playing the user's browser.
func goBrowser(user, pass string) auth.Opener {
	return openerFunc((&authtest.Browser{Username: user, Password: pass}).Open)
}

func TestLoginEndToEnd(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	code := h.run(context.Background(), goBrowser("designer", "Design-2026!"), "login")
	if code != exitOK {
		t.Fatalf("exit = %d; want 0; stderr:\n%s", code, h.stderr.String())
	}
	if h.stdout.Len() != 0 {
		t.Errorf("stdout = %q; want nothing (people read stderr)", h.stdout.String())
	}
	for _, want := range []string{"Signed in as", "designer@example.com", "Designers", "site_36_internalApi"} {
		if !strings.Contains(h.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, h.stderr.String())
		}
	}
	b, err := h.store().Get(context.Background(), account.Name("work"))
	if err != nil {
		t.Fatalf("saved session: %v", err)
	}
	var s auth.SignIn
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Platform == nil || s.Platform.AccessToken == "" || s.RefreshToken == "" || s.IDToken == "" {
		t.Errorf("saved session lacks tokens: platform=%v refresh=%t id=%t", s.Platform != nil, s.RefreshToken != "", s.IDToken != "")
	}
	if s.Platform != nil && time.Until(s.Platform.Expiry) < 3*time.Hour {
		t.Errorf("platform expiry in %s; want about 4h (expires_in 14400)", time.Until(s.Platform.Expiry))
	}
	for _, tok := range []string{s.IDToken, s.AccessToken, s.RefreshToken, s.Platform.AccessToken} {
		if strings.Contains(h.stderr.String(), tok) {
			t.Errorf("a token was printed on stderr")
		}
	}
	users := h.srv.ProvisionedUsers()
	if len(users) != 1 || users[0].AccessRight != "Sales Manager" {
		t.Errorf("provisioned users = %+v; want designer with access right Sales Manager", users)
	}
	// Cognito accepts a sign-in without PKCE; ssohelper always sends S256
	// (the emulator refuses any other method, so this sign-in proves S256).
	if c := h.srv.Counts(); c.Authorize == 0 || c.AuthorizeWithoutPKCE != 0 {
		t.Errorf("authorize requests %d, %d of them without PKCE; want PKCE on every one", c.Authorize, c.AuthorizeWithoutPKCE)
	}
}

func TestLoginPlatformNone(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.writeProfile(func(p *config.Profile) { p.Platform = config.Platform{Kind: config.KindNone} })
	if code := h.run(context.Background(), goBrowser("admin", "Admin-2026!"), "login"); code != exitOK {
		t.Fatalf("exit = %d; stderr:\n%s", code, h.stderr.String())
	}
	if got := h.srv.Counts().Provision; got != 0 {
		t.Errorf("provision calls = %d; want 0 for kind none", got)
	}
	if !strings.Contains(h.stderr.String(), "platform:     none") {
		t.Errorf("stderr does not say the platform is none:\n%s", h.stderr.String())
	}
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(h *harness)
		opener   func(h *harness) auth.Opener
		wantCode int
		wantErr  string // in stderr
	}{
		{
			name: "user cancels",
			opener: func(*harness) auth.Opener {
				return openerFunc((&authtest.Browser{Cancel: true}).Open)
			},
			wantCode: exitCancelled, wantErr: "cancelled",
		},
		{
			name:  "redirect URI not registered",
			setup: func(h *harness) { h.writeProfile(func(p *config.Profile) { p.RedirectPorts = freePorts(h.t, 1) }) },
			// The browser shows Cognito's error page and the user stares at
			// it; login reads the same answer and stops at once.
			opener: func(*harness) auth.Opener {
				return openerFunc(func(ctx context.Context, u string) error { _ = pageError(ctx, u); return nil })
			},
			wantCode: exitConfig, wantErr: "redirect_mismatch",
		},
		{
			name:     "tampered id_token",
			setup:    func(h *harness) { h.srv.SetTamperIDToken(true) },
			wantCode: exitError, wantErr: "id_token refused",
		},
		{
			name: "expired id_token",
			setup: func(h *harness) {
				h.srv.SetIDTokenHook(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })
			},
			wantCode: exitError, wantErr: "id_token refused",
		},
		{
			name: "wrong audience",
			setup: func(h *harness) {
				h.srv.SetIDTokenHook(func(c map[string]any) { c["aud"] = "someotherclient00000000000" })
			},
			wantCode: exitError, wantErr: "id_token refused",
		},
		{
			name:     "platform rejects the client app",
			setup:    func(h *harness) { h.env[config.EnvPlatformSecret] = "not-the-secret" },
			wantCode: exitError, wantErr: "client app",
		},
		{
			name:     "user not allowed on the platform",
			opener:   func(*harness) auth.Opener { return goBrowser("outsider", "Outsider-2026!") },
			wantCode: exitError, wantErr: "not allowed",
		},
		{
			name:     "identity provider unknown to the platform",
			setup:    func(h *harness) { h.writeProfile(func(p *config.Profile) { p.Platform.IdP = "okta" }) },
			wantCode: exitError, wantErr: "okta",
		},
		{
			name:     "platform down",
			setup:    func(h *harness) { h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 503, Body: "down"}) },
			wantCode: exitError, wantErr: "platform",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			if tt.setup != nil {
				tt.setup(h)
			}
			opener := goBrowser("designer", "Design-2026!")
			if tt.opener != nil {
				opener = tt.opener(h)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var browserErr error
			code := h.run(ctx, stopOnError(opener, cancel, &browserErr), "login")
			if code != tt.wantCode {
				t.Errorf("exit = %d; want %d; stderr:\n%s", code, tt.wantCode, h.stderr.String())
			}
			if tt.wantErr != "" && !strings.Contains(h.stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, h.stderr.String())
			}
			if _, err := h.store().Get(context.Background(), account.Name("work")); err == nil {
				t.Errorf("a session was saved after a failed sign-in")
			}
		})
	}
}

// TestLoginIgnoresForgedCallback: a request with a wrong state (a web page
// or another local user hitting the loopback port) gets an error page and
// neither completes nor ends the sign-in; the real callback still does.
func TestLoginIgnoresForgedCallback(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	var forged int
	opener := openerFunc(func(ctx context.Context, raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		cb := u.Query().Get("redirect_uri") + "?code=attacker-code&state=forged"
		resp, err := http.Get(cb)
		if err != nil {
			return err
		}
		resp.Body.Close()
		forged = resp.StatusCode
		return (&authtest.Browser{Username: "designer", Password: "Design-2026!"}).Open(ctx, raw)
	})
	if code := h.run(context.Background(), opener, "login"); code != exitOK {
		t.Fatalf("exit = %d; want 0; stderr:\n%s", code, h.stderr.String())
	}
	if forged != http.StatusBadRequest {
		t.Errorf("forged callback answered %d; want 400", forged)
	}
	if got := h.srv.Counts().CodeGrant; got != 1 {
		t.Errorf("code grants = %d; want 1 (the attacker's code is never redeemed)", got)
	}
}

// TestLoginAttributePermission: an app client that may not read an
// attribute a requested scope carries makes Cognito answer invalid_grant
// at the code exchange. Right after a browser sign-in that is the IT
// team's configuration, not "sign in again": exit 3 with the fix, and
// nothing saved.
func TestLoginAttributePermission(t *testing.T) {
	h := newHarnessClient(t, authtest.Options{}, func(c *authtest.Client) { c.Unreadable = []string{"email"} })
	code := h.run(context.Background(), goBrowser("designer", "Design-2026!"), "login")
	errs := h.stderr.String()
	if code != exitConfig || !strings.Contains(errs, "attribute read permissions") || strings.Contains(errs, "sign in again") {
		t.Errorf("exit %d; want %d naming the attribute permissions, not 'sign in again':\n%s", code, exitConfig, errs)
	}
	if _, err := h.store().Get(context.Background(), account.Name("work")); err == nil {
		t.Error("a sign-in was saved")
	}
}

// TestLogoutRevocationOff: an app client with token revocation turned off
// (Cognito answers invalid_request) gets a sign-out that says so, with
// what the IT team can turn on, and still deletes the local sign-in.
func TestLogoutRevocationOff(t *testing.T) {
	h := newHarnessClient(t, authtest.Options{}, func(c *authtest.Client) { c.NoRevocation = true })
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	h.mustRun(nil, "logout")
	errs := h.stderr.String()
	if !strings.Contains(errs, "Token revocation is turned off for the app client of profile work") || !strings.Contains(errs, "Enable token revocation") {
		t.Errorf("logout said:\n%s", errs)
	}
	if _, err := h.store().Get(context.Background(), account.Name("work")); err == nil {
		t.Error("the local sign-in was kept")
	}
}

// TestClaims: claims shows the id_token's claims (groups and custom
// attributes first, never the token) and checks the claim the platform
// identifies users by; a profile naming a claim the user lacks says so.
func TestClaims(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	h.mustRun(nil, "claims")
	out := h.stdout.String()
	s := h.loadSession()
	for _, want := range []string{"cognito:groups", "custom:access_right", "Local Company", "email", "designer@example.com",
		"The platform identifies this user by email = designer@example.com."} {
		if !strings.Contains(out, want) {
			t.Errorf("claims lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, s.IDToken) || strings.Contains(out, s.AccessToken) {
		t.Error("claims printed a token")
	}
	if strings.Index(out, "cognito:groups") > strings.Index(out, "  email") {
		t.Errorf("groups are not listed first:\n%s", out)
	}

	// A platform that identifies users by a claim this user does not have.
	cfg := h.env["SSOHELPER_CONFIG"]
	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mod := strings.Replace(string(raw), "client_app_id = ", "external_user_id_claim = 'custom:employee_id'\nclient_app_id = ", 1)
	if err := os.WriteFile(cfg, []byte(mod), 0o600); err != nil {
		t.Fatal(err)
	}
	h.mustRun(nil, "claims", "--format", "json")
	var j struct {
		Claims  map[string]string
		Missing []string
	}
	if err := json.Unmarshal(h.stdout.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.Claims["email"] != "designer@example.com" || len(j.Missing) != 1 || j.Missing[0] != "custom:employee_id" {
		t.Errorf("json: %+v", j)
	}
	h.mustRun(nil, "claims")
	if !strings.Contains(h.stdout.String(), "MISSING: custom:employee_id") {
		t.Errorf("no MISSING line:\n%s", h.stdout.String())
	}
}

// TestClaimsMappingPreview: with the platform's mapping XML (the seed's
// examples), claims previews the access right and groups the platform
// would assign, the unmapped values and an email domain the platform
// refuses; a malformed file is refused with its line.
func TestClaimsMappingPreview(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	dir := t.TempDir()
	write := func(name, doc string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rights := write("rights.xml", `<?xml version="1.0" encoding="UTF-8"?>
<MappingDocument>
	<Mapping><ExternalSystemAccess>Global Company</ExternalSystemAccess><EncodeAccessRight>Admin</EncodeAccessRight></Mapping>
	<Mapping><ExternalSystemAccess>Local Company</ExternalSystemAccess><EncodeAccessRight>Sales Manager</EncodeAccessRight></Mapping>
</MappingDocument>`)
	groups := write("groups.xml", `<MappingDocument>
	<Mapping><ExternalSystemAccess>Local Company</ExternalSystemAccess><EncodeGroup>Argentina, Chile, Bolivia</EncodeGroup></Mapping>
</MappingDocument>`)
	h.mustRun(nil, "claims", "--access-rights", rights, "--groups", groups, "--email-domains", "example.org")
	out := h.stdout.String()
	for _, want := range []string{"access right  Sales Manager", "groups        Argentina, Chile, Bolivia", "unmapped      Designers",
		`WARNING: the email "designer@example.com" is not in an allowed domain (example.org)`} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	bad := write("bad.xml", "<MappingDocument>\n<Mapping><ExternalSystemAccess>x</ExternalSystemAccess><EncodeAccessRight>y</EncodeAccessRight></Mapping>\n</MappingDocument>pping>\n")
	if code := h.run(context.Background(), nil, "claims", "--access-rights", bad); code != exitConfig || !strings.Contains(h.stderr.String(), `line 3: text "pping>" after the root element`) {
		t.Errorf("malformed: exit %d, %s", code, h.stderr.String())
	}
}

// TestLoginRefusedAtOnce: when the provider refuses the sign-in request
// with its own error page (a callback URL the app client lacks, an
// unknown client id), the browser never comes back; login reads the same
// answer and stops at once with what to fix (exit 3), instead of waiting
// out its timeout.
func TestLoginRefusedAtOnce(t *testing.T) {
	for _, tt := range []struct {
		name   string
		client func(*authtest.Client)
		config func(*config.Profile)
		want   []string
	}{
		{"callback URL not registered", func(c *authtest.Client) { c.CallbackURLs = []string{"http://localhost:1/elsewhere"} }, nil,
			[]string{"redirect_mismatch", "is not registered on app client", "Allowed callback URLs"}},
		{"unknown client id", nil, func(p *config.Profile) { p.ClientID = "unknownclient0000000000000" },
			[]string{"invalid_request", "no app client unknownclient0000000000000"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarnessClient(t, authtest.Options{}, tt.client)
			if tt.config != nil {
				h.writeProfile(tt.config)
			}
			// Nobody opens the address: only the refusal can end the wait
			// before the login timeout, which would say so and exit 1.
			code := h.run(context.Background(), nil, "login", "--no-browser")
			if code != exitConfig {
				t.Fatalf("exit %d; want %d; stderr:\n%s", code, exitConfig, h.stderr.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(h.stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, h.stderr.String())
				}
			}
			if _, err := h.store().Get(context.Background(), account.Name("work")); err == nil {
				t.Error("a sign-in was stored")
			}
		})
	}
}
