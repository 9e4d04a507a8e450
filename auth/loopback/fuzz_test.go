package loopback

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// The sign-in every fuzzed callback is judged against.
const (
	fuzzPort  = 43110
	fuzzState = "st-fuzz-4f1c2a9b7d3e"
	fuzzLimit = 10 * time.Second
)

var fuzzWant = Expect{State: fuzzState, Issuer: "https://issuer.example"}

// FuzzCallbackRequest sends the callback server's handler one request
// parsed from the fuzzed bytes as net/http's server parses them (what it
// refuses never reaches the handler), while Wait waits for the sign-in.
// Properties: no panic; the handler and Wait end; Wait accepts exactly a
// GET of the callback path on a loopback Host with one state equal to the
// sign-in's, an iss (if any) equal to the issuer, no error and one
// non-empty code, and returns that code; a refusal returns no half-filled
// Result; every answer carries the security headers and is one of the
// server's own pages, so nothing of the request is reflected (a provider's
// error text only HTML-escaped, in the provider error page); provider
// error fields are printable.
func FuzzCallbackRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // net/http answers 400 itself
		}
		s := newServer("/callback", fuzzPort, nil, slog.New(slog.DiscardHandler))
		waited := fuzzWait(s)
		rec := httptest.NewRecorder()
		handled := make(chan struct{})
		go func() {
			defer close(handled)
			s.handle(rec, req)
		}()
		select {
		case <-handled:
		case <-time.After(fuzzLimit):
			panic(fmt.Sprintf("the handler did not answer %q within %v", raw, fuzzLimit))
		}
		_ = s.Close()
		w := <-waited

		accept, code := fuzzOracle(req)
		fuzzCheck(t, w, accept, code)
		resp := rec.Result()
		for _, h := range []string{"Cache-Control", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("answer %d lacks %s", resp.StatusCode, h)
			}
		}
		if accept && resp.StatusCode != http.StatusOK {
			t.Errorf("an accepted callback got status %d", resp.StatusCode)
		}
		if !accept && resp.StatusCode == http.StatusOK && req.URL.Path != faviconPath {
			t.Errorf("a refused request got status 200")
		}
		if req.URL.Path == faviconPath && resp.StatusCode == http.StatusOK {
			return
		}
		var ae *AuthError
		errors.As(w.err, &ae)
		if body := rec.Body.String(); !fuzzKnownPage(t, body, ae) {
			t.Errorf("status %d: the body is none of the server's pages:\n%s", resp.StatusCode, body)
		}
	})
}

// FuzzPastedURL hands Submit a fuzzed pasted address while Wait waits.
// Properties: no panic; Submit and Wait end; an accepted address is judged
// by Wait, which returns its one code only when the state matches; a
// refused address leaves the sign-in waiting, so the real address pasted
// next is still accepted; refusals are printable.
func FuzzPastedURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, pasted string) {
		s := newServer("/callback", fuzzPort, nil, slog.New(slog.DiscardHandler))
		waited := fuzzWait(s)
		stop := fuzzWatchdog("Submit(%q)", pasted)
		err := s.Submit(pasted)
		stop()
		if err != nil {
			if msg := err.Error(); sanitize.Text(msg) != msg {
				t.Errorf("refusal is not printable: %q", msg)
			}
			if !errors.Is(err, ErrNotRedirect) && !errors.Is(err, ErrStateMismatch) {
				t.Errorf("Submit(%q) = %v; want ErrNotRedirect or ErrStateMismatch", pasted, err)
			}
			genuine := s.RedirectURI() + "?code=real-code&state=" + fuzzState
			if err := s.Submit(genuine); err != nil {
				t.Fatalf("after refusing %q, the real address is refused: %v", pasted, err)
			}
			fuzzCheck(t, fuzzJudged(t, s, waited), true, "real-code")
			return
		}
		w := fuzzJudged(t, s, waited)
		u, perr := url.Parse(strings.TrimSpace(pasted))
		if perr != nil {
			t.Fatalf("Submit accepted %q, which does not parse: %v", pasted, perr)
		}
		accept, code := fuzzRule(u.Query())
		fuzzCheck(t, w, accept, code)
	})
}

type fuzzOutcome struct {
	res Result
	err error
}

// fuzzWait runs Wait for fuzzWant, finishing an accepted sign-in
// as a successful flow would. The goroutine exits when Wait returns: at
// the latest when the server is closed.
func fuzzWait(s *Server) <-chan fuzzOutcome {
	ch := make(chan fuzzOutcome, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*fuzzLimit)
		defer cancel()
		res, err := s.Wait(ctx, fuzzWant)
		if err == nil {
			s.Finish(nil)
		}
		ch <- fuzzOutcome{res, err}
	}()
	return ch
}

// fuzzOracle says, independently of the server, whether it must accept req
// as the sign-in's callback, and with which code.
func fuzzOracle(req *http.Request) (bool, string) {
	switch strings.ToLower(req.Host) {
	case fmt.Sprintf("localhost:%d", fuzzPort), fmt.Sprintf("127.0.0.1:%d", fuzzPort), fmt.Sprintf("[::1]:%d", fuzzPort):
	default:
		return false, ""
	}
	if req.Method != http.MethodGet || req.URL.Path != "/callback" {
		return false, ""
	}
	return fuzzRule(req.URL.Query())
}

// fuzzJudged returns Wait's outcome once it has judged an address Submit
// accepted, then closes s.
func fuzzJudged(t *testing.T, s *Server, waited <-chan fuzzOutcome) fuzzOutcome {
	t.Helper()
	defer s.Close()
	select {
	case w := <-waited:
		return w
	case <-time.After(fuzzLimit):
		t.Fatalf("Wait did not judge an accepted address within %v", fuzzLimit)
		return fuzzOutcome{}
	}
}

// fuzzRule is the rule for a callback's parameters: one state equal to the
// sign-in's, no iss or exactly the issuer, no error, one non-empty code.
func fuzzRule(q url.Values) (bool, string) {
	if st := q["state"]; len(st) != 1 || st[0] != fuzzState {
		return false, ""
	}
	if iss, ok := q["iss"]; ok && (len(iss) != 1 || iss[0] != fuzzWant.Issuer) {
		return false, ""
	}
	if q.Has("error") {
		return false, ""
	}
	if c := q["code"]; len(c) == 1 && c[0] != "" {
		return true, c[0]
	}
	return false, ""
}

// fuzzCheck compares Wait's outcome with fuzzOracle's verdict.
func fuzzCheck(t *testing.T, w fuzzOutcome, accept bool, code string) {
	t.Helper()
	switch {
	case accept && w.err != nil:
		t.Fatalf("Wait refused a valid callback: %v", w.err)
	case accept && w.res.Code != code:
		t.Fatalf("Wait returned code %q; the callback carried %q", w.res.Code, code)
	case !accept && w.err == nil:
		t.Fatalf("Wait accepted an invalid callback, code %q", w.res.Code)
	case !accept && w.res != (Result{}):
		t.Fatalf("Wait refused (%v) but returned %+v", w.err, w.res)
	}
	var ae *AuthError
	if errors.As(w.err, &ae) {
		for _, s := range []string{ae.Code, ae.Description, ae.URI, ae.Error()} {
			if sanitize.Text(s) != s {
				t.Fatalf("provider error text is not printable: %q", s)
			}
		}
		if len(ae.Code) > 64+len("...") {
			t.Fatalf("provider error code is %d bytes long", len(ae.Code))
		}
	}
}

// fuzzKnownPage reports whether body is one of the server's pages: a fixed
// one, or the provider error page for ae.
func fuzzKnownPage(t *testing.T, body string, ae *AuthError) bool {
	t.Helper()
	if fuzzPages()[body] {
		return true
	}
	if ae == nil {
		return false
	}
	var b bytes.Buffer
	if err := assets.RenderFailure(&b, providerErrorPage(ae)); err != nil {
		t.Fatal(err)
	}
	return b.String() == body
}

// fuzzPages are the server's fixed pages, rendered as success and failure.
var fuzzPages = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, p := range []assets.Page{pageSuccess, pageReceived, pageCancelled, pageStateMismatch, pageIssuerMismatch,
		pageNoCode, pageFinished, pageStopped, pageNothing, pageBadHost, pageNotFound, pageMethod} {
		for _, render := range []func(io.Writer, assets.Page) error{assets.RenderSuccess, assets.RenderFailure} {
			var b bytes.Buffer
			if err := render(&b, p); err != nil {
				panic(err)
			}
			out[b.String()] = true
		}
	}
	return out
})

// fuzzWatchdog crashes the fuzzing process when stop is not called within
// fuzzLimit, naming the call (format and args, formatted only then): the
// fuzzer keeps the input that did not end.
func fuzzWatchdog(format string, args ...any) (stop func()) {
	t := time.AfterFunc(fuzzLimit, func() { panic(fmt.Sprintf(format, args...) + " did not return in time") })
	return func() { t.Stop() }
}
