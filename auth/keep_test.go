package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestLoginKeep: Flow.Keep saves the sign-in before the browser is
// answered, so the browser's page says whether the sign-in was kept, and
// a failing save is Login's error, with no sign-in.
func TestLoginKeep(t *testing.T) {
	errDiskFull := errors.New("saving the sign-in: no space left on device")
	tests := []struct {
		name      string
		keep      func(context.Context, *SignIn) error
		wantErr   error
		wantTitle string
		wantCode  int
	}{
		{name: "no keep", wantTitle: "Signed in · ssohelper", wantCode: http.StatusOK},
		{name: "kept", keep: func(context.Context, *SignIn) error { return nil }, wantTitle: "Signed in · ssohelper", wantCode: http.StatusOK},
		{name: "not kept", keep: func(context.Context, *SignIn) error { return errDiskFull },
			wantErr: errDiskFull, wantTitle: "Signed in, but not saved · ssohelper", wantCode: http.StatusForbidden},
	}
	r := newAttackRig(t, authtest.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kept atomic.Pointer[SignIn]
			var keepDone, early atomic.Bool // early: the browser had its page before Keep ended
			f := &Flow{Profile: r.profile(false), HTTP: r.hc, Out: io.Discard}
			if tt.keep != nil {
				f.Keep = func(ctx context.Context, s *SignIn) error {
					kept.Store(s)
					defer keepDone.Store(true)
					return tt.keep(ctx, s)
				}
			}
			page := make(chan string, 1)
			f.Opener = openerFunc(func(ctx context.Context, authURL string) error {
				b := &authtest.Browser{Username: "designer", Password: "Design-2026!",
					Unreachable: func(u *url.URL) bool { return u.Hostname() == "localhost" }}
				var stop *authtest.UnreachableError
				if err := b.Open(ctx, authURL); !errors.As(err, &stop) {
					page <- fmt.Sprintf("the browser did not reach the callback: %v", err)
					return nil
				}
				resp, err := http.Get(stop.URL)
				if err != nil {
					page <- err.Error()
					return nil
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				early.Store(tt.keep != nil && !keepDone.Load())
				page <- fmt.Sprintf("%d %s", resp.StatusCode, title(string(body)))
				return nil
			})
			s, err := f.Login(t.Context())
			if !errors.Is(err, tt.wantErr) || (err == nil) != (s != nil) {
				t.Errorf("Login = %v, %v; want error %v and a sign-in only without one", s != nil, err, tt.wantErr)
			}
			if tt.keep != nil && (kept.Load() == nil || kept.Load().IDToken == "") {
				t.Error("Keep was not given the verified sign-in")
			}
			if got, want := <-page, fmt.Sprintf("%d %s", tt.wantCode, tt.wantTitle); got != want {
				t.Errorf("browser's page = %q; want %q", got, want)
			}
			if early.Load() {
				t.Error("the browser was answered before the sign-in was kept")
			}
		})
	}
}

// title is the text of page's <title>.
func title(page string) string {
	_, rest, _ := strings.Cut(page, "<title>")
	t, _, _ := strings.Cut(rest, "</title>")
	return strings.TrimSpace(t)
}
