package loopback_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth/loopback"
)

// TestFinish: the browser of an accepted callback sees how the whole
// sign-in ended, not just that a code arrived.
func TestFinish(t *testing.T) {
	notAllowed := &assets.Page{Title: "Not allowed on the platform", Message: "Ask your admin."}
	tests := []struct {
		name       string
		finish     func(s *loopback.Server)
		wantStatus int
		wantBody   string
	}{
		{"success", func(s *loopback.Server) { s.Finish(nil) }, http.StatusOK, "You are signed in"},
		{"failure", func(s *loopback.Server) { s.Finish(notAllowed) }, http.StatusForbidden, "Not allowed on the platform"},
		{"close without finish", func(s *loopback.Server) { s.Close() }, http.StatusOK, "Sign-in received"},
		{"finish twice", func(s *loopback.Server) { s.Finish(notAllowed); s.Finish(nil) }, http.StatusForbidden, "Not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := listen(t, loopback.Config{})
			type page struct {
				status int
				body   string
			}
			got := make(chan page, 1)
			go func() {
				status, _, body := do(t, http.MethodGet, fmt.Sprintf("http://localhost:%d/callback?code=c&state=st-123", s.Port()), "")
				got <- page{status, body}
			}()
			if _, err := s.Wait(t.Context(), testWant); err != nil {
				t.Fatal(err)
			}
			tt.finish(s)
			p := <-got
			if p.status != tt.wantStatus || !strings.Contains(p.body, tt.wantBody) {
				t.Errorf("browser got %d %q; want %d with %q", p.status, p.body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// TestCloseAfterFinish: Close lets the browser's page finish, then drops
// the connections that carry no request: a kept-alive one, and one a
// browser opened ahead and never used, which a graceful shutdown would
// wait for (Close says in its log when it had to cut a request).
func TestCloseAfterFinish(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := loopback.Listen(t.Context(), loopback.Config{Ports: []int{0}, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	unused, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port()))
	if err != nil {
		t.Fatal(err)
	}
	defer unused.Close()
	got := make(chan int, 1)
	go func() {
		status, _, _ := do(t, http.MethodGet, fmt.Sprintf("http://localhost:%d/callback?code=c&state=st-123", s.Port()), "")
		got <- status
	}()
	if _, err := s.Wait(t.Context(), testWant); err != nil {
		t.Fatal(err)
	}
	s.Finish(nil)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if status := <-got; status != http.StatusOK {
		t.Errorf("browser got %d; want 200", status)
	}
	if n, err := unused.Read(make([]byte, 1)); err == nil {
		t.Errorf("the unused connection is still open after Close (read %d bytes)", n)
	}
	if strings.Contains(logs.String(), "forced closed") {
		t.Errorf("Close waited out its limit:\n%s", logs.String())
	}
}
