package loopback_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

func TestListenSkipsBusyPorts(t *testing.T) {
	tests := []struct {
		name   string
		busy   func(t *testing.T) int // occupies a port and returns it
		v6Busy bool                   // the port is busy on [::1] only
	}{
		{"busy on 127.0.0.1", func(t *testing.T) int { return occupy(t, "127.0.0.1") }, false},
		{"busy on [::1] only", func(t *testing.T) int { return occupy(t, "::1") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v6Busy && !hasIPv6() {
				t.Skip("host has no IPv6 loopback")
			}
			busy := tt.busy(t)
			s := listen(t, loopback.Config{Ports: []int{busy, 0}})
			if got := s.Port(); got == busy || got == 0 {
				t.Fatalf("Port: got %d; want a port other than the busy %d", got, busy)
			}
			if !tt.v6Busy {
				return
			}
			// The IPv4 listener taken on the port busy on [::1] was given back.
			l, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(busy)))
			if err != nil {
				t.Fatalf("listen on 127.0.0.1:%d after skipping it: got %v; want nil (v4 listener released)", busy, err)
			}
			_ = l.Close()
		})
	}
}

func TestListenAllPortsBusy(t *testing.T) {
	a, b := occupy(t, "127.0.0.1"), occupy(t, "127.0.0.1")
	_, err := loopback.Listen(t.Context(), loopback.Config{Ports: []int{a, b}, Path: "/cb"})
	if !errors.Is(err, loopback.ErrPortsBusy) {
		t.Fatalf("Listen: got %v; want ErrPortsBusy", err)
	}
	msg := err.Error()
	for _, want := range []string{
		fmt.Sprintf("%d (in use)", a), fmt.Sprintf("%d (in use)", b),
		"another program", "redirect_ports", "http://localhost:<port>/cb",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error: got %q; want it to contain %q", msg, want)
		}
	}
}

func TestListenRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  loopback.Config
		want string
	}{
		{"no ports", loopback.Config{}, "no callback ports"},
		{"port out of range", loopback.Config{Ports: []int{70000}}, "invalid callback port 70000"},
		{"relative path", loopback.Config{Ports: []int{0}, Path: "callback"}, "invalid callback path"},
		{"query in path", loopback.Config{Ports: []int{0}, Path: "/cb?x=1"}, "invalid callback path"},
		{"favicon path", loopback.Config{Ports: []int{0}, Path: "/favicon.ico"}, "invalid callback path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loopback.Listen(t.Context(), tt.cfg)
			if err == nil {
				_ = s.Close()
				t.Fatalf("Listen: got nil error; want %q", tt.want)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("Listen: got %q; want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestListenBindsBothFamilies(t *testing.T) {
	s := listen(t, loopback.Config{})
	if got, want := s.RedirectURI(), fmt.Sprintf("http://localhost:%d/callback", s.Port()); got != want {
		t.Errorf("RedirectURI: got %q; want %q", got, want)
	}
	urls := []string{fmt.Sprintf("http://127.0.0.1:%d/favicon.ico", s.Port())}
	if hasIPv6() {
		urls = append(urls, fmt.Sprintf("http://[::1]:%d/favicon.ico", s.Port()))
	} else {
		t.Log("host has no IPv6 loopback: not dialling [::1]")
	}
	for _, u := range urls {
		status, h, body := do(t, http.MethodGet, u, "")
		if status != http.StatusOK || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
			t.Errorf("GET %s: got %d %q; want 200 image/png with the icon", u, status, h.Get("Content-Type"))
		}
	}
}

func TestCloseReleasesPort(t *testing.T) {
	s, err := loopback.Listen(t.Context(), loopback.Config{Ports: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	port := s.Port()
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d: got %v; want nil", i+1, err)
		}
	}
	if _, err := s.Wait(t.Context(), testWant); !errors.Is(err, loopback.ErrClosed) {
		t.Errorf("Wait after Close: got %v; want ErrClosed", err)
	}
	addrs := []string{"127.0.0.1"}
	if hasIPv6() {
		addrs = append(addrs, "::1")
	}
	for _, a := range addrs {
		addr := net.JoinHostPort(a, strconv.Itoa(port))
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			t.Errorf("dial %s after Close: got a connection; want refused", addr)
		}
	}
	// The same port binds again, so no goroutine still holds a listener.
	s2, err := loopback.Listen(t.Context(), loopback.Config{Ports: []int{port}})
	if err != nil {
		t.Fatalf("Listen on %d after Close: got %v; want nil", port, err)
	}
	if err := s2.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
