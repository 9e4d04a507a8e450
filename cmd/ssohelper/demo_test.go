package main

import (
	"context"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestDemo runs `ssohelper demo --auto` as a user on a machine without a
// browser would, for each demo user.
func TestDemo(t *testing.T) {
	tests := []struct {
		user     string
		wantCode int
		want     string
	}{
		{"designer", exitOK, "Signing in with the built-in test browser (no window)…\n"},
		{"designer", exitOK, `access right "Sales Manager"`},
		{"admin", exitOK, `access right "Admin"`},
		{"outsider", exitError, "not allowed"},
		{"nobody", exitConfig, "choose one of designer"},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			code := h.run(context.Background(), nil, "demo", "--auto", "--user", tt.user)
			if code != tt.wantCode || !strings.Contains(h.stderr.String(), tt.want) {
				t.Errorf("exit %d; want %d with %q in stderr:\n%s", code, tt.wantCode, tt.want, h.stderr.String())
			}
			if h.stdout.Len() != 0 {
				t.Errorf("stdout = %q; want nothing", h.stdout.String())
			}
			for _, l := range strings.Split(h.stderr.String(), "\n") {
				if strings.Contains(l, "/oauth2/authorize") {
					t.Errorf("stderr shows the authorize URL, which nobody needs with --auto: %q", l)
				}
			}
		})
	}
}

// TestDemoConflictingFlags: --auto --no-browser is refused with both
// meanings explained, not silently half-ignored.
func TestDemoConflictingFlags(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	code := h.run(context.Background(), nil, "demo", "--auto", "--no-browser")
	if code != exitConfig || !strings.Contains(h.stderr.String(), "--auto and --no-browser contradict each other") {
		t.Errorf("exit %d; want %d and an explanation; stderr:\n%s", code, exitConfig, h.stderr.String())
	}
}
