package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// loadSession reads the saved session of profile "work".
func (h *harness) loadSession() *auth.SignIn {
	h.t.Helper()
	b, err := h.store().Get(context.Background(), account.Name("work"))
	if err != nil {
		h.t.Fatalf("saved session: %v", err)
	}
	var s auth.SignIn
	if err := json.Unmarshal(b, &s); err != nil {
		h.t.Fatal(err)
	}
	return &s
}

// editSession changes the saved session, e.g. to make it expire.
func (h *harness) editSession(mod func(*auth.SignIn)) {
	h.t.Helper()
	s := h.loadSession()
	mod(s)
	b, err := json.Marshal(s)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.store().Put(context.Background(), account.Name("work"), b); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) mustRun(opener auth.Opener, args ...string) {
	h.t.Helper()
	if code := h.run(context.Background(), opener, args...); code != exitOK {
		h.t.Fatalf("ssohelper %s: exit %d; stderr:\n%s", strings.Join(args, " "), code, h.stderr.String())
	}
}

func TestTokenStatusLogout(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	before := h.srv.Counts()

	// Hot path: the cached token, no network at all.
	h.mustRun(nil, "token")
	s := h.loadSession()
	if got, want := h.stdout.String(), s.Platform.AccessToken+"\n"; got != want {
		t.Errorf("token printed %q; want the saved platform token", got)
	}
	if h.stderr.Len() != 0 {
		t.Errorf("token wrote to stderr: %q", h.stderr.String())
	}
	if got := h.srv.Counts(); got != before {
		t.Errorf("cached token made requests: %+v; before %+v", got, before)
	}

	// Status: JSON on stdout, who and until when, never a token.
	h.mustRun(nil, "status", "--format", "json")
	var v statusView
	if err := json.Unmarshal(h.stdout.Bytes(), &v); err != nil {
		t.Fatalf("status json: %v\n%s", err, h.stdout.String())
	}
	if !v.SignedIn || v.User == nil || v.User.Email != "designer@example.com" || v.Platform == nil || v.Platform.Scope != "site_36_internalApi" || v.SessionEnd == nil {
		t.Errorf("status = %+v", v)
	}
	for _, tok := range []string{s.IDToken, s.AccessToken, s.RefreshToken, s.Platform.AccessToken, s.Platform.RefreshToken} {
		if strings.Contains(h.stdout.String(), tok) {
			t.Errorf("status printed a token")
		}
	}

	// Platform token near expiry: the platform refresh token renews it.
	h.editSession(func(s *auth.SignIn) { s.Platform.Expiry = time.Now().Add(time.Minute) })
	h.mustRun(nil, "token")
	if got := h.srv.Counts(); got.PlatformRefresh != 1 || got.CognitoRefresh != 0 {
		t.Errorf("after platform expiry: platform refreshes %d, cognito refreshes %d; want 1, 0", got.PlatformRefresh, got.CognitoRefresh)
	}

	// Platform refresh token dead: Cognito refresh token, then a new provision.
	h.editSession(func(s *auth.SignIn) {
		s.Platform.Expiry = time.Now().Add(-time.Minute)
		s.Platform.RefreshToken = "no-longer-valid"
	})
	h.mustRun(nil, "token")
	if got := h.srv.Counts(); got.CognitoRefresh != 1 || got.Provision != before.Provision+1 {
		t.Errorf("after platform refresh failure: cognito refreshes %d, provisions %d; want 1, %d", got.CognitoRefresh, got.Provision, before.Provision+1)
	}
	if got := h.loadSession(); got.Platform.AccessToken+"\n" != h.stdout.String() {
		t.Errorf("token printed is not the saved one")
	}

	// Logout revokes at Cognito and wipes the sign-in.
	refresh := h.loadSession().RefreshToken
	h.mustRun(nil, "logout")
	if got := h.srv.Counts().Revoke; got != 1 {
		t.Errorf("revocations = %d; want 1", got)
	}
	if code := h.run(context.Background(), nil, "token"); code != exitSignInNeed {
		t.Errorf("token after logout: exit %d; want %d", code, exitSignInNeed)
	}
	if !strings.Contains(h.stderr.String(), "ssohelper login") || strings.Count(h.stderr.String(), "\n") != 1 {
		t.Errorf("token after logout: stderr = %q; want one line with the hint", h.stderr.String())
	}
	if code := h.run(context.Background(), nil, "status"); code != exitSignInNeed {
		t.Errorf("status after logout: exit %d; want %d", code, exitSignInNeed)
	}
	// The revoked refresh token is dead at the provider too.
	prov := &auth.Provider{Profile: h.profile()}
	if _, err := prov.Refresh(context.Background(), refresh); err == nil {
		t.Errorf("the refresh token still works after logout")
	}
}

func TestTokenNotSignedIn(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	if code := h.run(context.Background(), nil, "token"); code != exitSignInNeed {
		t.Fatalf("exit = %d; want %d", code, exitSignInNeed)
	}
	if h.stdout.Len() != 0 {
		t.Errorf("stdout = %q; want nothing", h.stdout.String())
	}
}

func TestSetSecret(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	delete(h.env, "SSOHELPER_PLATFORM_SECRET")
	if code := h.run(context.Background(), goBrowser("designer", "Design-2026!"), "login"); code != exitConfig {
		t.Fatalf("login without the platform secret: exit %d; want %d; stderr:\n%s", code, exitConfig, h.stderr.String())
	}
	if !strings.Contains(h.stderr.String(), "set-secret platform") {
		t.Errorf("stderr does not say how to set the secret:\n%s", h.stderr.String())
	}
	h.stdin = strings.NewReader(authtest.DemoPlatformApp().Secret + "\n")
	h.mustRun(nil, "config", "set-secret", "platform")
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
}

// TestLogoutBrowserSession: logout --browser sends the browser through
// Cognito's /logout to the registered sign-out URL, where ssohelper shows
// the signed-out page; the next sign-in needs the password again.
func TestLogoutBrowserSession(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.writeProfile(func(p *config.Profile) {
		p.LogoutURI = fmt.Sprintf("http://localhost:%d/signed-out", h.ports[0])
	})
	browser := &authtest.Browser{Username: "designer", Password: "Design-2026!"}
	h.mustRun(openerFunc(browser.Open), "login")
	logins := h.srv.Counts().Login

	h.mustRun(openerFunc(browser.Open), "logout", "--browser")
	if got := h.srv.Counts().Logout; got != 1 {
		t.Errorf("Cognito /logout calls = %d; want 1", got)
	}
	if !strings.Contains(h.stderr.String(), "ended the browser session") {
		t.Errorf("stderr does not confirm the browser sign-out:\n%s", h.stderr.String())
	}
	// Same browser (same cookies): with the Cognito session gone, the login
	// form is shown and submitted again.
	h.mustRun(openerFunc(browser.Open), "login")
	if got := h.srv.Counts().Login; got != logins+1 {
		t.Errorf("login form submissions = %d; want %d (the hosted-UI session must be gone)", got, logins+1)
	}
}

func TestLogoutBrowserNeedsLogoutURI(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	if code := h.run(context.Background(), nil, "logout", "--browser"); code != exitConfig {
		t.Errorf("exit = %d; want %d", code, exitConfig)
	}
	if !strings.Contains(h.stderr.String(), "logout_uri") {
		t.Errorf("stderr does not name logout_uri:\n%s", h.stderr.String())
	}
	h.loadSession() // nothing was done: still signed in
}

// TestLogoutAllForgottenProfile: a saved sign-in whose profile was removed
// from the config file is still revoked, with the provider it recorded.
func TestLogoutAllForgottenProfile(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	h.writeProfile(func(p *config.Profile) { p.Name = "renamed" })
	h.mustRun(nil, "logout", "--all")
	if got := h.srv.Counts().Revoke; got != 1 {
		t.Errorf("revocations = %d; want 1; stderr:\n%s", got, h.stderr.String())
	}
	names, err := h.store().Names(context.Background())
	if err != nil || len(names) != 0 {
		t.Errorf("store still holds %v (%v); want nothing", names, err)
	}
}
