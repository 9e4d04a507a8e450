package loopback_test

import (
	"fmt"
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
