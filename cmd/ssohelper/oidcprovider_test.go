package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/config"
)

// oidcProviderDir holds the npm project of the standard provider
// (panva/oidc-provider), relative to this package.
var oidcProviderDir = filepath.Join("..", "..", "testdata", "oidcprovider")

// TestLoginStandardOIDCProvider signs in against a certified, standards
// compliant OpenID provider that is not ssohelper's emulator: discovery,
// PKCE S256, RFC 9207 iss, RS256 id_token and refresh token come from
// oidc-provider, while headless Chromium plays the user on its stock
// development login and consent pages.
func TestLoginStandardOIDCProvider(t *testing.T) {
	r := loginOIDCProvider(t, nil)
	s := r.session
	if s.Platform != nil {
		t.Errorf("platform token saved for platform kind none")
	}
	// OpenID Connect Core 1.0 section 11: offline_access is ignored unless
	// prompt contains consent, and oidc-provider follows that to the letter.
	if strings.Contains(r.authURL, "prompt=consent") && s.RefreshToken == "" {
		t.Errorf("no refresh token although offline_access and prompt=consent were requested")
	}
	if s.RefreshToken == "" {
		t.Logf("no refresh token: the authorize request has no prompt=consent, so the provider dropped offline_access")
	}
}

// TestLoginOIDCProviderSlashIssuer signs in against oidc-provider with an
// issuer that ends with "/" (as Auth0's do): discovery at the issuer
// without the slash plus the well-known path, and the issuer, the iss
// claim and the saved sign-in all equal to it exactly, slash included.
func TestLoginOIDCProviderSlashIssuer(t *testing.T) {
	r := loginOIDCProviderAt(t, nil, true)
	if !strings.HasSuffix(r.profile.Issuer, "/") || r.session.Issuer != r.profile.Issuer || r.session.Claims.Issuer != r.profile.Issuer {
		t.Errorf("issuer %q, saved %q, iss claim %q; want all equal, ending with /", r.profile.Issuer, r.session.Issuer, r.session.Claims.Issuer)
	}
}

// TestLoginStandardOIDCProviderOfflineAccess adds prompt=consent to the
// authorize request, as OpenID Connect requires for offline_access, and
// checks that the refresh token the provider then grants works with
// [auth.Provider.Refresh] and dies with [auth.Provider.Revoke].
func TestLoginStandardOIDCProviderOfflineAccess(t *testing.T) {
	r := loginOIDCProvider(t, func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		q := u.Query()
		if !strings.Contains(q.Get("prompt"), "consent") {
			q.Set("prompt", strings.TrimSpace(q.Get("prompt")+" consent"))
		}
		u.RawQuery = q.Encode()
		return u.String()
	})
	if r.session.RefreshToken == "" {
		t.Fatalf("no refresh token with offline_access and prompt=consent")
	}
	p := &auth.Provider{Profile: r.profile, HTTP: &http.Client{Timeout: 10 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	toks, err := p.Refresh(ctx, r.session.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if toks.AccessToken == "" || toks.IDToken == "" || toks.RefreshToken == "" {
		t.Errorf("refresh answer access=%t id=%t refresh=%t; want all three", toks.AccessToken != "", toks.IDToken != "", toks.RefreshToken != "")
	}
	c, err := p.Verify(ctx, toks.IDToken, "")
	if err != nil {
		t.Fatalf("refreshed id_token: %v", err)
	}
	if got, want := c.Subject, oidcLogin; got != want {
		t.Errorf("refreshed sub = %q; want %q", got, want)
	}

	if err := p.Revoke(ctx, toks.RefreshToken); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := p.Refresh(ctx, toks.RefreshToken); !errors.Is(err, auth.ErrLoginRequired) {
		t.Errorf("refresh after revoke: %v; want auth.ErrLoginRequired", err)
	}
}

const (
	oidcClientID = "ssohelper-interop"
	oidcLogin    = "interop-user"
	oidcEmail    = oidcLogin + "@oidc-provider.test"
)

// oidcLoginResult is what one sign-in against oidc-provider produced.
type oidcLoginResult struct {
	profile config.Profile
	authURL string // as ssohelper built it
	session auth.SignIn
}

// loginOIDCProvider starts the provider, runs `ssohelper login` with
// Chromium as the browser (opening the authorize URL changed by mod, when
// set), and checks what every successful sign-in must show.
func loginOIDCProvider(t *testing.T, mod func(string) string) oidcLoginResult {
	t.Helper()
	return loginOIDCProviderAt(t, mod, false)
}

// loginOIDCProviderAt is loginOIDCProvider with an issuer that ends with
// "/" when slash.
func loginOIDCProviderAt(t *testing.T, mod func(string) string, slash bool) oidcLoginResult {
	t.Helper()
	exec := chromiumPath(t)
	h := newBareHarness(t)
	issuer := startOIDCProvider(t, oidcClientID, h.ports, slash)
	r := oidcLoginResult{profile: writeGenericProfile(t, h, issuer, oidcClientID)}

	c := &chromium{t: t, exec: exec, done: make(chan struct{})}
	browse := openerFunc(func(_ context.Context, raw string) error {
		defer close(c.done)
		r.authURL = raw
		if mod != nil {
			raw = mod(raw)
		}
		c.err = c.browseOIDCProvider(raw, oidcLogin, "any-password")
		return c.err
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	var browserErr error // a stuck browser cancels the sign-in at once
	code := h.run(ctx, stopOnError(browse, cancel, &browserErr), "login")
	c.wait(t, h)
	if code != exitOK {
		t.Fatalf("exit = %d; want 0; browser side: %v; stderr:\n%s", code, c.err, h.stderr.String())
	}
	t.Logf("sign-in against oidc-provider took %s", time.Since(start).Round(time.Millisecond))
	if c.err != nil {
		t.Fatalf("browser side: %v", c.err)
	}
	if got, want := strings.TrimSpace(c.title), "Signed in"; got != want {
		t.Errorf("final page title = %q; want %q", got, want)
	}
	for _, want := range []string{"Signed in as", oidcEmail, "platform:     none"} {
		if !strings.Contains(h.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, h.stderr.String())
		}
	}

	b, err := h.store().Get(context.Background(), account.Name("work"))
	if err != nil {
		t.Fatalf("saved session: %v", err)
	}
	if err := json.Unmarshal(b, &r.session); err != nil {
		t.Fatal(err)
	}
	s := r.session
	cl := s.Claims
	if cl.Issuer != issuer || cl.Subject != oidcLogin || len(cl.Audience) != 1 || cl.Audience[0] != oidcClientID {
		t.Errorf("claims iss=%q sub=%q aud=%v; want %q, %s, [%s]", cl.Issuer, cl.Subject, cl.Audience, issuer, oidcLogin, oidcClientID)
	}
	if want := "Test User " + oidcLogin; cl.Email != oidcEmail || !cl.EmailVerified || cl.Name != want {
		t.Errorf("claims email=%q verified=%t name=%q; want %q, true, %q", cl.Email, cl.EmailVerified, cl.Name, oidcEmail, want)
	}
	if s.Issuer != issuer || s.IDToken == "" || s.AccessToken == "" {
		t.Errorf("session issuer=%q id=%t access=%t; want %q with both tokens", s.Issuer, s.IDToken != "", s.AccessToken != "", issuer)
	}
	if time.Until(s.Expiry) <= 0 {
		t.Errorf("session expiry %s is not in the future", s.Expiry)
	}
	for _, tok := range []string{s.IDToken, s.AccessToken, s.RefreshToken} {
		if tok != "" && strings.Contains(h.stderr.String(), tok) {
			t.Errorf("a token was printed on stderr")
		}
	}
	return r
}

// newBareHarness is a harness without the emulator: the test writes the
// profile itself.
func newBareHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), ports: freePorts(t, 3), keyring: &memKeyring{m: map[string]string{}}}
	h.env = map[string]string{config.EnvConfig: filepath.Join(h.dir, "config.toml")}
	return h
}

// writeGenericProfile saves profile "work" for a generic OpenID issuer with
// platform kind none. The default scopes hold a Cognito-only scope.
func writeGenericProfile(t testing.TB, h *harness, issuer, clientID string) config.Profile {
	t.Helper()
	p := config.Profile{
		Name: "work", Issuer: issuer, ClientID: clientID,
		Scopes:        []string{"openid", "email", "profile", "offline_access"},
		RedirectPorts: h.ports,
		LoginTimeout:  config.Duration{Duration: 45 * time.Second},
		Platform:      config.Platform{Kind: config.KindNone},
	}.WithDefaults()
	f := &config.File{DefaultProfile: p.Name, Profiles: map[string]config.Profile{p.Name: p}}
	if err := f.Save(h.env[config.EnvConfig]); err != nil {
		t.Fatal(err)
	}
	return p
}

// startOIDCProvider runs testdata/oidcprovider/server.mjs on a free port,
// installing its npm packages first when they are missing, and returns
// the issuer once it is listening.
func startOIDCProvider(t testing.TB, clientID string, redirectPorts []int, slash bool) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			realPart(t, "Node.js ("+tool+")", err.Error())
		}
	}
	dir, err := filepath.Abs(oidcProviderDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider")); err != nil {
		npmCI(t, dir)
	}

	var uris []string
	for _, p := range redirectPorts {
		uris = append(uris, fmt.Sprintf("http://localhost:%d/callback", p))
	}
	port := freePorts(t, 1)[0]
	cmd := exec.Command("node", "server.mjs", strconv.Itoa(port))
	cmd.Dir = dir
	// Claims in the id_token: ssohelper reads none from userinfo (yet).
	cmd.Env = append(os.Environ(), "OIDC_CLIENT_ID="+clientID, "OIDC_REDIRECT_URIS="+strings.Join(uris, " "), "OIDC_CONFORM_ID_TOKEN_CLAIMS=0")
	if slash {
		cmd.Env = append(cmd.Env, "OIDC_ISSUER_SLASH=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		realPart(t, "Node.js", err.Error())
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("oidc-provider stderr:\n%s", stderr.String())
		}
	})

	ready := make(chan string, 1)
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if iss, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				ready <- iss
			}
		}
		cmd.Wait()
	}()
	select {
	case iss := <-ready:
		want := fmt.Sprintf("http://localhost:%d", port)
		if slash {
			want += "/"
		}
		if iss != want {
			t.Fatalf("provider issuer = %q; want %q", iss, want)
		}
		return iss
	case <-exited:
		t.Fatalf("oidc-provider exited before it was ready; stderr:\n%s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("oidc-provider not ready after 30s; stderr:\n%s", stderr.String())
	}
	return ""
}

// npmCI installs the provider's locked npm packages.
func npmCI(t testing.TB, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("npm ci output:\n%s", out)
		t.Fatalf("npm ci in %s: %v", dir, err)
	}
	t.Logf("npm ci took %s", time.Since(start).Round(time.Millisecond))
}

// browseOIDCProvider plays the user on oidc-provider's development pages:
// any login name and password, then "Continue" on the consent page, then
// the redirect into ssohelper's loopback server. Like opener(), it runs on
// its own context, since the flow's ends as soon as the code arrives.
func (c *chromium) browseOIDCProvider(url, login, password string) error {
	ctx, cancel := c.newBrowser()
	defer cancel()
	err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(`input[name="login"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="login"]`, login, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(`button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form input[name="prompt"][value="consent"] ~ button[type="submit"]`, chromedp.ByQuery),
		chromedp.Click(`form input[name="prompt"][value="consent"] ~ button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`body.ok, body.error, body.fail`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("h1").textContent`, &c.title),
	)
	if err != nil {
		var where string
		_ = chromedp.Run(ctx, chromedp.Location(&where))
		return fmt.Errorf("chromium at %s: %w", where, err)
	}
	return nil
}

// newBrowser starts headless Chromium with the same flags as browse, on a
// background context with a deadline.
func (c *chromium) newBrowser() (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(c.exec), chromedp.NoSandbox, chromedp.UserDataDir(c.profileDir()),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(bctx, 30*time.Second)
	return tctx, func() { cancelTimeout(); cancelBrowser(); cancelAlloc() }
}
