package loopback_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

// testWant is the expectation every callback test waits with.
var testWant = loopback.Expect{State: "st-123", Issuer: "https://issuer.example"}

// listen starts a server on a free port and closes it when the test ends.
func listen(t *testing.T, cfg loopback.Config) *loopback.Server {
	t.Helper()
	if cfg.Ports == nil {
		cfg.Ports = []int{0}
	}
	s, err := loopback.Listen(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// occupy holds a port on addr ("127.0.0.1" or "::1") for the test.
func occupy(t *testing.T, addr string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		t.Fatalf("occupy %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// hasIPv6 reports whether this host has an IPv6 loopback.
func hasIPv6() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// do sends one request like a browser would, without following redirects,
// and returns the status, a header and the body.
func do(t *testing.T, method, url, host string) (int, http.Header, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

type waitResult struct {
	res loopback.Result
	err error
}

// waitAsync runs Wait in the background, finishing an accepted sign-in at
// once as a successful flow would; the channel yields Wait's outcome.
func waitAsync(t *testing.T, s *loopback.Server, want loopback.Expect) <-chan waitResult {
	ch := make(chan waitResult, 1)
	go func() {
		res, err := s.Wait(t.Context(), want)
		if err == nil {
			s.Finish(nil)
		}
		ch <- waitResult{res, err}
	}()
	return ch
}
