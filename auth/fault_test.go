package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
)

// TestFaultTokenEndpoint: the token endpoint fails the way networks and
// overloaded providers do, during a refresh and a code exchange. The error
// keeps its cause where account's retry policy looks for it (a reset, an
// answer cut short, a timeout: in the chain; a 5xx or 429: a TokenError
// with its status and Retry-After), says what to do, and never holds what
// the request sent.
func TestFaultTokenEndpoint(t *testing.T) {
	const body = `{"id_token":"x.y.z","access_token":"a","refresh_token":"r","expires_in":3600,"token_type":"Bearer"}`
	cut := func(reset bool) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:len(body)/2])
			_ = buf.Flush()
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				_ = tc.SetLinger(0)
			}
			conn.Close()
		}
	}
	status := func(code int, retryAfter, answer string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			io.WriteString(w, answer)
		}
	}
	tests := []struct {
		name  string
		serve http.HandlerFunc
		// cause checks the error's chain; nil: none to check.
		cause func(error) bool
		want  []string // in the message
		// status and retryAfter are the TokenError's, when one is wanted.
		status     int
		retryAfter time.Duration
	}{
		{name: "reset mid-body", serve: cut(true),
			cause: func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }, want: []string{"try again"}},
		{name: "closed mid-body", serve: cut(false),
			cause: func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }, want: []string{"try again"}},
		{name: "never answers", serve: func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leave
			<-r.Context().Done()
		},
			cause: func(err error) bool {
				ne, ok := errors.AsType[net.Error](err)
				return ok && ne.Timeout()
			},
			want: []string{"did not answer in time", "try again"}},
		{name: "503 with Retry-After", serve: status(503, "7", `{"error":"temporarily_unavailable"}`),
			want: []string{"HTTP 503", "try again later"}, status: 503, retryAfter: 7 * time.Second},
		{name: "429", serve: status(429, "2", `{"error":"TooManyRequestsException"}`),
			want: []string{"HTTP 429", "try again later"}, status: 429, retryAfter: 2 * time.Second},
		{name: "502 from a proxy, HTML", serve: status(502, "", "<html>Bad Gateway</html>"),
			want: []string{"HTTP 502", "try again later"}, status: 502},
		{name: "malformed JSON", serve: status(200, "", `{"id_token": "eyJ`),
			want: []string{"try again"}},
	}
	const refresh, code, verifier = "refresh-token-fault-5e1f", "code-fault-77aa", "verifier-fault-0123456789012345678901234567890123456789"
	for _, tt := range tests {
		for _, op := range []string{"refresh", "code exchange"} {
			t.Run(tt.name+"/"+op, func(t *testing.T) {
				srv := httptest.NewServer(tt.serve)
				defer srv.Close()
				m := &Metadata{Issuer: srv.URL, AuthorizationEndpoint: srv.URL + "/oauth2/authorize",
					TokenEndpoint: srv.URL + "/oauth2/token", JWKSURI: srv.URL + "/jwks.json"}
				hc := &http.Client{Timeout: 300 * time.Millisecond}
				prof := config.Profile{Name: "work", Issuer: srv.URL, ClientID: "client", Platform: config.Platform{Kind: config.KindNone}}.WithDefaults()
				var err error
				if op == "refresh" {
					p := &Provider{Profile: prof, HTTP: hc, meta: m}
					_, err = p.Refresh(context.Background(), refresh)
				} else {
					oc := oauthConfig(m, prof.ClientID, "", "http://localhost:43110/callback", prof.Scopes)
					_, err = redeem(context.Background(), hc, oc, code, verifier)
				}
				if err == nil {
					t.Fatal("no error")
				}
				msg := err.Error()
				t.Logf("%s", msg)
				if !strings.HasPrefix(msg, op+": ") {
					t.Errorf("message does not name the step %q", op)
				}
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("message lacks %q", w)
					}
				}
				for _, secret := range []string{refresh, code, verifier} {
					if strings.Contains(msg, secret) {
						t.Errorf("message holds a value the request sent")
					}
				}
				if tt.cause != nil && !tt.cause(err) {
					t.Errorf("the cause is not in the chain: %#v", err)
				}
				if tt.status != 0 {
					te, ok := errors.AsType[*TokenError](err)
					if !ok || te.Status != tt.status || te.RetryAfter != tt.retryAfter {
						t.Errorf("got %#v; want a TokenError with status %d, Retry-After %s", err, tt.status, tt.retryAfter)
					}
				}
			})
		}
	}
}
