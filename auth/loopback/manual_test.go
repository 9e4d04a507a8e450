package loopback_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

// TestShortAddress: the root redirects to the sign-in address once set,
// answers 404 before, and keeps the Host guard.
func TestShortAddress(t *testing.T) {
	s := listen(t, loopback.Config{})
	root := fmt.Sprintf("http://127.0.0.1:%d/", s.Port())
	if code, _, _ := do(t, http.MethodGet, root, ""); code != http.StatusNotFound {
		t.Errorf("before SetStart: %d; want 404", code)
	}
	s.SetStart("https://idp.example/oauth2/authorize?state=x")
	code, h, _ := do(t, http.MethodGet, root, "")
	if code != http.StatusFound || h.Get("Location") != "https://idp.example/oauth2/authorize?state=x" {
		t.Errorf("root: %d to %q", code, h.Get("Location"))
	}
	if code, _, _ := do(t, http.MethodGet, root, "evil.example"); code != http.StatusBadRequest {
		t.Errorf("foreign Host: %d; want 400", code)
	}
	if code, _, _ := do(t, http.MethodPost, root, ""); code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d; want 405", code)
	}
	if s.StartURI() != fmt.Sprintf("http://localhost:%d/", s.Port()) {
		t.Errorf("StartURI = %s", s.StartURI())
	}
}

// TestSubmit: a pasted address is judged like the browser's request:
// what is not this sign-in's redirect is refused with a reason, a wrong
// state is refused and the server keeps waiting, the right one ends Wait.
func TestSubmit(t *testing.T) {
	s := listen(t, loopback.Config{})
	base := s.RedirectURI()
	got := make(chan error, 1)
	var res loopback.Result
	go func() {
		var err error
		res, err = s.Wait(t.Context(), testWant)
		got <- err
	}()
	for _, tc := range []struct {
		pasted string
		want   error
	}{
		{"not a url", loopback.ErrNotRedirect},
		{"http://localhost:1/elsewhere?code=c&state=st-123", loopback.ErrNotRedirect},
		{base + "?state=st-123", loopback.ErrNotRedirect},
		{base + "?code=c&state=other", loopback.ErrStateMismatch},
		{base + "?code=c", loopback.ErrStateMismatch},
	} {
		if err := s.Submit(tc.pasted); !errors.Is(err, tc.want) {
			t.Errorf("Submit(%q) = %v; want %v", tc.pasted, err, tc.want)
		}
	}
	select {
	case err := <-got:
		t.Fatalf("Wait ended on a refused paste: %v", err)
	default:
	}
	if err := s.Submit(base + "?code=the-code&state=st-123"); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil || res.Code != "the-code" {
		t.Errorf("Wait = %+v, %v", res, err)
	}
	if err := s.Submit(base + "?code=again&state=st-123"); err == nil {
		t.Error("a second paste was taken")
	}
}
