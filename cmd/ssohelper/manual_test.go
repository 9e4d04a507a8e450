package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestLoginManual: `login --manual` prints a short address that redirects
// to the sign-in page, and finishes the same PKCE flow from the address the
// browser ended on, pasted into the terminal, after refusing a line that
// is no such address and one from another sign-in (wrong state).
func TestLoginManual(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	env := handoffEnv(t, h, t.TempDir())
	cmd := exec.Command(ssohelperBinary(t), "login", "--manual")
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := newTranscript()
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	wait := func(text string) {
		t.Helper()
		if err := log.waitFor(ctx, text); err != nil {
			t.Fatalf("never printed %q: %v\n%s", text, err, log)
		}
	}
	wait("press Enter:")
	out := log.String()
	short := regexp.MustCompile(`(?m)^  (http://localhost:\d+/)$`).FindStringSubmatch(out)
	full := regexp.MustCompile(`(?m)^  (http://127\.0\.0\.1:\d+/oauth2/authorize\?\S+)$`).FindStringSubmatch(out)
	if short == nil || full == nil {
		t.Fatalf("no short and full address printed:\n%s", out)
	}
	// The short address leads to the full one.
	noFollow := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(short[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != full[1] {
		t.Errorf("short address: %d to %q; want 302 to the sign-in address", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The browser runs elsewhere: it cannot reach the callback.
	b := &authtest.Browser{Username: "designer", Password: "Design-2026!", Unreachable: func(u *url.URL) bool { return u.Path == "/callback" }}
	var stop *authtest.UnreachableError
	if err := b.Open(ctx, full[1]); !errors.As(err, &stop) {
		t.Fatalf("browser: %v; want it stopped at the callback", err)
	}
	final, _ := url.Parse(stop.URL)
	other := *final
	q := other.Query()
	q.Set("state", "not-this-sign-in")
	other.RawQuery = q.Encode()
	for _, line := range []string{"nonsense", other.String()} {
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	wait("Paste it again")
	wait("belongs to another sign-in")
	if _, err := io.WriteString(stdin, "  "+stop.URL+"  \n"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login --manual: %v\n%s", err, log)
	}
	if s := h.loadSession(); s.Claims.Email != "designer@example.com" || s.Platform == nil {
		t.Errorf("saved sign-in: %+v", s.Claims)
	}
	if strings.Contains(log.String(), final.Query().Get("code")) {
		t.Error("the authorization code was echoed")
	}
	if c := h.srv.Counts(); c.CodeGrant != 1 {
		t.Errorf("code grants = %d; want 1", c.CodeGrant)
	}
}
