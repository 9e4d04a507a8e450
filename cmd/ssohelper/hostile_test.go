package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
)

// hostile is text a provider, platform or user could send to take over a
// terminal or mislead a reader: a window title (OSC), colours (CSI), a C1
// CSI, NUL and BEL, and a right-to-left override.
const hostile = "\x1b]0;pwned\x07\x1b[31mRED\u009b1m\x00\u202eevil\u2066x"

// assertInert fails when text carries any part of hostile that steers a
// terminal or reorders text.
func assertInert(t *testing.T, where, text string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\x00", "\u009b", "\u202e", "\u2066"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s carries %q:\n%q", where, bad, text)
		}
	}
}

// TestHostileTextIsInert pushes hostile text through every way text from a
// provider, a platform or a token reaches a person: login, status (text
// and JSON), token errors, the debug log (-v) and the browser page.
func TestHostileTextIsInert(t *testing.T) {
	users := authtest.DemoUsers()
	users[0].Name = "Dana " + hostile
	users[0].Groups = append(users[0].Groups, "group "+hostile)
	hostileJSON := func(v map[string]any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name  string
		setup func(h *harness) auth.Opener // nil opener: the emulator's browser
		args  []string
		code  int  // wanted exit code
		login bool // sign in first, as designer
	}{
		{
			name:  "name, groups and scope through login and status",
			setup: func(h *harness) auth.Opener { return h.scopeFault(hostileJSON) },
			args:  []string{"login"}, code: exitOK,
		},
		{
			name: "platform error text",
			setup: func(h *harness) auth.Opener {
				h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 403, Times: 1,
					Body: hostileJSON(map[string]any{"error": "access_denied", "error_description": hostile})})
				return nil
			},
			args: []string{"login"}, code: exitError,
		},
		{
			name: "token endpoint error on refresh, echoing the refresh token",
			setup: func(h *harness) auth.Opener {
				s := h.loadSession()
				h.editSession(func(s *auth.SignIn) { s.Platform = nil; s.Expiry = time.Now().Add(-time.Minute) })
				h.writeProfile(nil)
				h.srv.SetFault("/oauth2/token", authtest.Fault{Status: 400,
					Body: hostileJSON(map[string]any{"error": "invalid_request", "error_description": hostile + " bad " + s.RefreshToken})})
				return nil
			},
			login: true, args: []string{"token"}, code: exitError,
		},
		{
			name:  "callback error from the browser",
			setup: func(h *harness) auth.Opener { return callbackError(t, hostile) },
			args:  []string{"login"}, code: exitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{Users: users})
			if tt.login {
				h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			}
			opener := tt.setup(h)
			if opener == nil {
				opener = goBrowser("designer", "Design-2026!")
			}
			code := h.run(context.Background(), opener, append([]string{"-v"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d; want %d; stderr:\n%s", code, tt.code, h.stderr.String())
			}
			assertInert(t, strings.Join(tt.args, " ")+" stderr", h.stderr.String())
			assertInert(t, strings.Join(tt.args, " ")+" stdout", h.stdout.String())
			if tt.args[0] == "token" && strings.Contains(h.stderr.String(), h.loadSession().RefreshToken) {
				t.Errorf("the refresh token echoed by the provider was printed:\n%s", h.stderr.String())
			}
			if code != exitOK {
				return
			}
			for _, args := range [][]string{{"status"}, {"status", "--format", "json"}} {
				h.mustRun(nil, append([]string{"-v"}, args...)...)
				assertInert(t, strings.Join(args, " ")+" stderr", h.stderr.String())
				assertInert(t, strings.Join(args, " ")+" stdout", h.stdout.String())
			}
			if !strings.Contains(h.stdout.String(), "RED") {
				t.Errorf("status json lost the readable part of the scope:\n%s", h.stdout.String())
			}
		})
	}
}

// scopeFault makes the platform grant a hostile scope once.
func (h *harness) scopeFault(marshal func(map[string]any) string) auth.Opener {
	h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 200, Times: 1, Body: marshal(map[string]any{
		"access_token": "plat-at", "token_type": "bearer", "expires_in": 3600, "refresh_token": "plat-rt", "scope": "site_36 " + hostile,
	})})
	return nil
}

// callbackError is a browser that comes back from the provider with an
// error whose description is desc, and checks the page it is shown.
func callbackError(t *testing.T, desc string) auth.Opener {
	return openerFunc(func(ctx context.Context, raw string) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		q := u.Query()
		back := q.Get("redirect_uri") + "?" + url.Values{
			"error": {"server_error"}, "error_description": {desc}, "state": {q.Get("state")},
		}.Encode()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, back, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		assertInert(t, "the browser page", string(page))
		if !strings.Contains(string(page), "RED") {
			t.Errorf("the page does not show the provider's text:\n%s", page)
		}
		return nil
	})
}
