package loopback_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/ssohelper/ssohelper/auth/loopback"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// hostileDescription is an error_description a hostile redirect could
// carry: markup and a script for the page, a window title (OSC), colours
// (CSI), BEL, NUL, a right-to-left override for the terminal, and a
// token-shaped value that must never be shown.
const hostileDescription = `<b>bad</b><script>alert(1)</script><img src=x onerror=alert(2)>` +
	"\x1b]0;pwned\x07\x1b[31mRED\x00\u202eevil eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"

// ending says how an attack may leave the sign-in.
type ending int

const (
	// ignored: the request is refused and the real callback still decides.
	ignored ending = iota
	// ended: the request ends the sign-in with an error, never with a code.
	ended
	// alreadyDone: the real callback came first; the attack changes nothing.
	alreadyDone
)

// TestAttackCallback proves that the loopback callback refuses every
// hostile request with a clear page and accepts nothing from it: a refused
// request never yields a code (Wait still returns the real one, or the
// sign-in ends with an error), and provider text reaches the page escaped
// and the terminal only through sanitize.Redact.
func TestAttackCallback(t *testing.T) {
	const real = "/callback?code=real-code&state=st-123"
	get := func(target, host string) func(*testing.T, *loopback.Server) (int, string) {
		return func(t *testing.T, s *loopback.Server) (int, string) {
			if host != "" {
				host = strings.ReplaceAll(host, "%d", fmt.Sprint(s.Port()))
			}
			status, _, body := do(t, http.MethodGet, base(s)+target, host)
			return status, body
		}
	}
	tests := []struct {
		name       string
		attack     func(t *testing.T, s *loopback.Server) (status int, page string)
		wantStatus int
		wantPage   string // in the page the attacker sees
		// dropOK: the server may instead have dropped the held connection
		// (its header timeout), which refuses the request as well.
		dropOK  bool
		ending  ending
		wantErr func(t *testing.T, err error) // for ended
	}{
		{name: "wrong state", attack: get("/callback?code=evil&state=guess", ""),
			wantStatus: 400, wantPage: "does not belong"},
		{name: "missing state", attack: get("/callback?code=evil", ""),
			wantStatus: 400, wantPage: "does not belong"},
		{name: "two states", attack: get("/callback?code=evil&state=st-123&state=st-123", ""),
			wantStatus: 400, wantPage: "does not belong"},
		{
			name: "replayed state of an earlier sign-in",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				// An earlier sign-in on another server, complete: its
				// address (state and code) is replayed at this one.
				old := listen(t, loopback.Config{})
				done := waitAsync(t, old, loopback.Expect{State: "st-old"})
				if status, _, _ := do(t, http.MethodGet, base(old)+"/callback?code=old-code&state=st-old", ""); status != 200 {
					t.Fatalf("earlier sign-in: got %d; want 200", status)
				}
				<-done
				status, _, body := do(t, http.MethodGet, base(s)+"/callback?code=old-code&state=st-old", "")
				return status, body
			},
			wantStatus: 400, wantPage: "does not belong",
		},
		{name: "error without the right state cannot end the sign-in", attack: get("/callback?error=access_denied&state=guess", ""),
			wantStatus: 400, wantPage: "does not belong"},
		{
			name: "code replay: a second callback after success",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				if status, _, _ := do(t, http.MethodGet, base(s)+real, ""); status != 200 {
					t.Fatalf("real callback: got %d; want 200", status)
				}
				status, _, body := do(t, http.MethodGet, base(s)+"/callback?code=replayed&state=st-123", "")
				return status, body
			},
			wantStatus: 410, wantPage: "already finished", ending: alreadyDone,
		},
		{name: "wrong path", attack: get("/cb?code=evil&state=st-123", ""), wantStatus: 404, wantPage: "no page at this address"},
		{name: "path in another case", attack: get("/CALLBACK?code=evil&state=st-123", ""), wantStatus: 404, wantPage: "no page at this address"},
		{name: "non-loopback Host (DNS rebinding)", attack: get(real, "evil.example:%d"),
			wantStatus: 400, wantPage: "only answers requests addressed to localhost"},
		{name: "loopback Host with another port", attack: get(real, "localhost:1"),
			wantStatus: 400, wantPage: "only answers requests addressed to localhost"},
		{name: "all-interfaces Host", attack: get(real, "0.0.0.0:%d"),
			wantStatus: 400, wantPage: "only answers requests addressed to localhost"},
		{
			name: "POST instead of the browser's GET",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				status, _, body := do(t, http.MethodPost, base(s)+real, "")
				return status, body
			},
			wantStatus: 405, wantPage: "only answers GET",
		},
		{
			name: "oversized query",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				status, _, body := do(t, http.MethodGet, base(s)+real+"&junk="+strings.Repeat("A", 64<<10), "")
				return status, body
			},
			wantStatus: http.StatusRequestHeaderFieldsTooLarge,
		},
		{
			name:   "error_description with HTML and script",
			attack: get("/callback?"+url.Values{"error": {"server_error"}, "error_description": {hostileDescription}, "state": {"st-123"}}.Encode(), ""),
			// The page shows the text escaped: no markup, no script runs.
			wantStatus: 400, wantPage: "&lt;script&gt;alert(1)&lt;/script&gt;", ending: ended,
			wantErr: func(t *testing.T, err error) {
				var ae *loopback.AuthError
				if !errors.As(err, &ae) || ae.Code != "server_error" {
					t.Fatalf("Wait: got %v; want *AuthError server_error", err)
				}
				if want := sanitize.Redact(hostileDescription); ae.Description != want {
					t.Errorf("description: got %q; want sanitize.Redact's %q", ae.Description, want)
				}
				assertPrintable(t, "the terminal's error", err.Error())
				if !strings.Contains(err.Error(), "RED") || strings.Contains(err.Error(), "eyJzdWIi") {
					t.Errorf("terminal error %q: want the readable text, the token-shaped part redacted", err)
				}
			},
		},
		{
			name:       "escape sequences in the error code",
			attack:     get("/callback?"+url.Values{"error": {"\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07" + strings.Repeat("x", 100)}, "state": {"st-123"}}.Encode(), ""),
			wantStatus: 400, wantPage: "refused the sign-in", ending: ended,
			wantErr: func(t *testing.T, err error) {
				var ae *loopback.AuthError
				if !errors.As(err, &ae) {
					t.Fatalf("Wait: got %v; want *AuthError", err)
				}
				if want := sanitize.Redact("\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07" + strings.Repeat("x", 100)); !strings.HasPrefix(want, strings.TrimSuffix(ae.Code, "...")) {
					t.Errorf("code: got %q; want a cut of sanitize.Redact's %q", ae.Code, want)
				}
				assertPrintable(t, "the terminal's error", err.Error())
			},
		},
		{
			name:       "issuer mix-up (RFC 9207)",
			attack:     get(real+"&iss="+url.QueryEscape("https://evil.example"), ""),
			wantStatus: 400, wantPage: "different identity provider", ending: ended,
			wantErr: wantIs(loopback.ErrIssuerMismatch),
		},
		{
			name:       "two codes",
			attack:     get("/callback?code=a&code=b&state=st-123", ""),
			wantStatus: 400, wantPage: "did not include a sign-in code", ending: ended,
			wantErr: wantIs(loopback.ErrNoCode),
		},
		{
			name: "slow client holding a connection mid-request",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				c := holdConn(t, s, "/callback?code=slow&state=guess")
				// The held connection does not keep the real callback out.
				if status, _, _ := do(t, http.MethodGet, base(s)+real, ""); status != 200 {
					t.Fatalf("real callback beside a held connection: got %d; want 200", status)
				}
				return c.finish(t)
			},
			wantStatus: 400, wantPage: "does not belong", dropOK: true, ending: alreadyDone,
		},
		{
			name: "many idle connections",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				var held []*heldConn
				for range 32 {
					held = append(held, holdConn(t, s, "/callback?code=idle&state=guess"))
				}
				if status, _, _ := do(t, http.MethodGet, base(s)+real, ""); status != 200 {
					t.Fatalf("real callback beside %d held connections: got %d; want 200", len(held), status)
				}
				for _, c := range held[1:] {
					if status, _ := c.finish(t); status == 200 {
						t.Errorf("an idle connection's request got 200")
					}
				}
				return held[0].finish(t)
			},
			wantStatus: 400, wantPage: "does not belong", dropOK: true, ending: alreadyDone,
		},
		{
			name: "pasted address of another sign-in",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				err := s.Submit(s.RedirectURI() + "?code=evil&state=other")
				if !errors.Is(err, loopback.ErrStateMismatch) {
					t.Errorf("Submit: got %v; want ErrStateMismatch", err)
				}
				return 0, ""
			},
		},
		{
			name: "pasted address of another path",
			attack: func(t *testing.T, s *loopback.Server) (int, string) {
				err := s.Submit(fmt.Sprintf("http://localhost:%d/elsewhere?code=evil&state=st-123", s.Port()))
				if !errors.Is(err, loopback.ErrNotRedirect) {
					t.Errorf("Submit: got %v; want ErrNotRedirect", err)
				}
				return 0, ""
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := listen(t, loopback.Config{})
			done := waitAsync(t, s, testWant)
			status, page := tt.attack(t, s)
			if status == 0 && tt.dropOK {
				t.Log("the server dropped the held connection")
				status, page = tt.wantStatus, tt.wantPage
			}
			if status != tt.wantStatus {
				t.Errorf("attacker got %d; want %d", status, tt.wantStatus)
			}
			if !strings.Contains(page, tt.wantPage) {
				t.Errorf("attacker's page: got %q; want it to contain %q", page, tt.wantPage)
			}
			for _, leak := range []string{"real-code", "st-123", "<script>alert", "\x1b", "\u202e"} {
				if strings.Contains(page, leak) {
					t.Errorf("attacker's page carries %q", leak)
				}
			}
			switch tt.ending {
			case ignored:
				// Nothing was accepted: the real callback still decides.
				if status, _, _ := do(t, http.MethodGet, base(s)+real, ""); status != 200 {
					t.Fatalf("real callback after the attack: got %d; want 200", status)
				}
				fallthrough
			case alreadyDone:
				got := <-done
				if got.err != nil || got.res.Code != "real-code" {
					t.Errorf("Wait: got %q, %v; want the real code", got.res.Code, got.err)
				}
			case ended:
				got := <-done
				if got.res.Code != "" {
					t.Errorf("Wait: got code %q; want none", got.res.Code)
				}
				tt.wantErr(t, got.err)
			}
		})
	}
}

// base is the server's address with an IP literal, so do sets the Host.
func base(s *loopback.Server) string { return fmt.Sprintf("http://127.0.0.1:%d", s.Port()) }

func wantIs(target error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("Wait: got %v; want %v", err, target)
		}
	}
}

// assertPrintable fails when text carries a control or format character.
func assertPrintable(t *testing.T, where, text string) {
	t.Helper()
	for _, r := range text {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Errorf("%s carries %U: %q", where, r, text)
			return
		}
	}
}

// heldConn is a client that holds a connection to the server in the
// middle of a request: it sent part of the header and waits.
type heldConn struct {
	c net.Conn
	r *bufio.Reader
}

// holdConn connects, has one whole request served on the connection (so
// the server is known to be reading it), then sends only the start of a
// second request to target and holds the connection there.
func holdConn(t *testing.T, s *loopback.Server, target string) *heldConn {
	t.Helper()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(time.Minute)) // a hung server fails the test, it does not hang it
	h := &heldConn{c: c, r: bufio.NewReader(c)}
	host := fmt.Sprintf("localhost:%d", s.Port())
	if _, err := fmt.Fprintf(c, "GET /favicon.ico HTTP/1.1\r\nHost: %s\r\n\r\n", host); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(h.r, nil)
	if err != nil {
		t.Fatalf("first request on the held connection: %v", err)
	}
	_ = resp.Body.Close()
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n", target, host); err != nil {
		t.Fatal(err)
	}
	return h
}

// finish completes the held request and returns what the server answers;
// status 0 when the server had already dropped the connection (its header
// timeout), which refuses the request too.
func (h *heldConn) finish(t *testing.T) (int, string) {
	t.Helper()
	if _, err := fmt.Fprint(h.c, "\r\n"); err != nil {
		return 0, ""
	}
	resp, err := http.ReadResponse(h.r, nil)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	return resp.StatusCode, b.String()
}
