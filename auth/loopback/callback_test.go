package loopback_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

func TestCallback(t *testing.T) {
	const good = "/callback?code=good-code&state=st-123"
	tests := []struct {
		name       string
		method     string
		host       string // %d is the port; "" means localhost:<port>
		target     string
		wantStatus int
		wantBody   string
		counts     bool   // the request decides the sign-in
		wantErr    error  // when it counts
		wantAuth   string // AuthError code, when it counts
		wantCode   string // Result.Code, when it counts
	}{
		{name: "success", target: good, wantStatus: 200, wantBody: "Signed in", counts: true, wantCode: "good-code"},
		{name: "success via 127.0.0.1 host", host: "127.0.0.1:%d", target: good, wantStatus: 200, counts: true, wantCode: "good-code"},
		{name: "success via [::1] host", host: "[::1]:%d", target: good, wantStatus: 200, counts: true, wantCode: "good-code"},
		{name: "host upper case", host: "LocalHost:%d", target: good, wantStatus: 200, counts: true, wantCode: "good-code"},
		{name: "matching iss", target: good + "&iss=https%3A%2F%2Fissuer.example", wantStatus: 200, counts: true, wantCode: "good-code"},
		{name: "wrong state", target: "/callback?code=c&state=other", wantStatus: 400, wantBody: "does not belong"},
		{name: "missing state", target: "/callback?code=c", wantStatus: 400},
		{name: "two states", target: "/callback?code=c&state=st-123&state=st-123", wantStatus: 400},
		{name: "error with wrong state", target: "/callback?error=access_denied&state=x", wantStatus: 400},
		{name: "iss mismatch", target: good + "&iss=https%3A%2F%2Fevil.example", wantStatus: 400, wantBody: "different identity provider", counts: true, wantErr: loopback.ErrIssuerMismatch},
		{name: "cancelled", target: "/callback?error=access_denied&error_description=User+cancelled+the+sign-in&state=st-123", wantStatus: 400, wantBody: "You cancelled the sign-in", counts: true, wantAuth: "access_denied"},
		{name: "provider error", target: "/callback?error=invalid_scope&error_description=%3Cb%3Ebad%3C%2Fb%3E&state=st-123", wantStatus: 400, wantBody: "&lt;b&gt;bad&lt;/b&gt; (invalid_scope)", counts: true, wantAuth: "invalid_scope"},
		{name: "empty code", target: "/callback?code=&state=st-123", wantStatus: 400, counts: true, wantErr: loopback.ErrNoCode},
		{name: "foreign host", host: "evil.example:%d", target: good, wantStatus: 400, wantBody: "only answers requests addressed to localhost"},
		{name: "wrong port in host", host: "localhost:1", target: good, wantStatus: 400},
		{name: "host without port", host: "localhost", target: good, wantStatus: 400},
		{name: "wrong path", target: "/other?code=good-code&state=st-123", wantStatus: 404},
		{name: "trailing slash", target: "/callback/?code=good-code&state=st-123", wantStatus: 404},
		{name: "post", method: http.MethodPost, target: good, wantStatus: 405},
		{name: "bare path", target: "/callback", wantStatus: 400, wantBody: "Nothing to do here"},
		{name: "only state", target: "/callback?state=st-123", wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := listen(t, loopback.Config{})
			done := waitAsync(t, s, testWant)
			base := fmt.Sprintf("http://127.0.0.1:%d", s.Port())
			host := fmt.Sprintf("localhost:%d", s.Port())
			if tt.host != "" {
				host = strings.ReplaceAll(tt.host, "%d", fmt.Sprint(s.Port()))
			}
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}

			status, h, body := do(t, method, base+tt.target, host)
			if status != tt.wantStatus {
				t.Errorf("status: got %d; want %d", status, tt.wantStatus)
			}
			if !strings.Contains(body, tt.wantBody) {
				t.Errorf("body: got %q; want it to contain %q", body, tt.wantBody)
			}
			for k, want := range map[string]string{
				"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
				"Content-Type": "text/html; charset=utf-8",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("header %s: got %q; want %q", k, got, want)
				}
			}
			for _, secret := range []string{"good-code", "st-123"} {
				if strings.Contains(body, secret) {
					t.Errorf("body: got %q in the page; want no code or state", secret)
				}
			}

			if !tt.counts {
				// The request did not count: a good callback still decides.
				if status, _, _ := do(t, http.MethodGet, base+good, ""); status != http.StatusOK {
					t.Fatalf("good callback after ignored request: got %d; want 200", status)
				}
				tt.wantCode = "good-code"
			}
			got := <-done
			var ae *loopback.AuthError
			switch {
			case tt.wantAuth != "":
				if !errors.As(got.err, &ae) || ae.Code != tt.wantAuth {
					t.Errorf("Wait: got %v; want *AuthError %q", got.err, tt.wantAuth)
				}
			case tt.wantErr != nil:
				if !errors.Is(got.err, tt.wantErr) {
					t.Errorf("Wait: got %v; want %v", got.err, tt.wantErr)
				}
			case got.err != nil:
				t.Errorf("Wait: got error %v; want nil", got.err)
			}
			if got.res.Code != tt.wantCode {
				t.Errorf("Wait code: got %q; want %q", got.res.Code, tt.wantCode)
			}
		})
	}
}

func TestLaterCallbacksAreGone(t *testing.T) {
	s := listen(t, loopback.Config{})
	done := waitAsync(t, s, testWant)
	url := fmt.Sprintf("http://localhost:%d/callback?code=first&state=st-123", s.Port())
	if status, _, _ := do(t, http.MethodGet, url, ""); status != http.StatusOK {
		t.Fatalf("first callback: got %d; want 200", status)
	}
	first := <-done
	status, _, body := do(t, http.MethodGet, fmt.Sprintf("http://localhost:%d/callback?error=access_denied&state=st-123", s.Port()), "")
	if status != http.StatusGone || !strings.Contains(body, "already finished") {
		t.Errorf("second callback: got %d; want 410 with an already-finished page", status)
	}
	res, err := s.Wait(t.Context(), testWant)
	if err != nil || res.Code != "first" || first.res.Code != "first" {
		t.Errorf("Wait after the second callback: got %q, %v; want %q, nil", res.Code, err, "first")
	}
}

func TestAuthErrorMessage(t *testing.T) {
	tests := []struct {
		err  loopback.AuthError
		want string
	}{
		{loopback.AuthError{Code: "access_denied", Description: "User cancelled"}, "sign-in was cancelled in the browser"},
		{loopback.AuthError{Code: "invalid_request", Description: "bad redirect"}, "the identity provider refused the sign-in: invalid_request: bad redirect"},
		{loopback.AuthError{Code: "server_error"}, "the identity provider refused the sign-in: server_error"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error(): got %q; want %q", got, tt.want)
		}
	}
}

func TestLogsCarryNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := listen(t, loopback.Config{Logger: logger})
	want := loopback.Expect{State: "SECRET-STATE-456"}
	done := waitAsync(t, s, want)
	url := fmt.Sprintf("http://localhost:%d/callback?code=SECRET-CODE-123&state=SECRET-STATE-456", s.Port())
	do(t, http.MethodGet, url, "")
	if got := <-done; got.err != nil {
		t.Fatalf("Wait: %v", got.err)
	}
	do(t, http.MethodGet, url, "") // the 410 path logs too
	got := logs.String()
	for _, secret := range []string{"SECRET-CODE-123", "SECRET-STATE-456", "code="} {
		if strings.Contains(got, secret) {
			t.Errorf("logs: got %q in\n%s", secret, got)
		}
	}
	if !strings.Contains(got, `msg="callback received" outcome=success`) {
		t.Errorf("logs: got\n%s\nwant a callback received line with outcome=success", got)
	}
}
