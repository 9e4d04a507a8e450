package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// TestFirstContactMessages: what a new user meets first says one thing
// once, on the right stream, and names what they typed.
func TestFirstContactMessages(t *testing.T) {
	tests := []struct {
		name       string
		profile    func(*config.Profile) // changes the config file's profile
		env        map[string]string
		args       []string
		wantCode   int
		wantStdout []string // each in stdout; nil: stdout must be empty
		wantStderr []string // each in stderr
		notStderr  []string
		maxLines   int  // of stderr; 0: any
		noDesktop  bool // only for a build without the desktop app
	}{
		{
			// Only in the build without the desktop app (CI runs the suite
			// with -tags nogui too); with it, no arguments start the app.
			name: "no arguments: help on stderr", args: nil, wantCode: exitOK, noDesktop: true,
			wantStderr: []string{"Usage:", "Available Commands:", "This build of ssohelper has no desktop app"},
		},
		{
			name: "unknown command", args: []string{"logn"}, wantCode: exitConfig,
			wantStderr: []string{`unknown command "logn" for "ssohelper" (see --help)` + "\n", "Did you mean this?"},
		},
		{
			name: "port flag out of range", args: []string{"login", "--port", "80", "--no-browser"}, wantCode: exitConfig,
			wantStderr: []string{"--port: 80 is out of range"}, notStderr: []string{"redirect_ports"},
		},
		{
			name: "client id from the environment", env: map[string]string{config.EnvClientID: "not an id"},
			args: []string{"status"}, wantCode: exitConfig,
			wantStderr: []string{"$SSOHELPER_CLIENT_ID: \"not an id\""},
		},
		{
			name: "missing config file", args: []string{"--config", "/nonexistent/ssohelper.toml", "status"}, wantCode: exitConfig,
			wantStderr: []string{"the config file /nonexistent/ssohelper.toml (--config) does not exist"},
			notStderr:  []string{"no profile selected"},
		},
		{
			name: "status signed out says it once", args: []string{"status"}, wantCode: exitSignInNeed,
			wantStderr: []string{"Profile work: not signed in", "run `ssohelper login`"}, maxLines: 1,
		},
		{
			name:    "no platform kind",
			profile: func(p *config.Profile) { p.Platform = config.Platform{} },
			args:    []string{"config", "validate"}, wantCode: exitConfig,
			wantStderr: []string{`platform.kind: is not set`, `kind = "encodify"`, `kind = "none"`},
		},
		{
			name:    "short cognito client id warns",
			profile: func(p *config.Profile) { p.ClientID = "abc" },
			args:    []string{"config", "validate"}, wantCode: exitOK,
			wantStdout: []string{"/callback\n"},
			wantStderr: []string{"Warning: profile work: client_id: \"abc\"", "check you copied the whole id", "Allowed callback URLs of app client abc"},
		},
		{
			name: "other provider: no Cognito words",
			profile: func(p *config.Profile) {
				p.Issuer, p.ClientID = "https://login.example.com", "my-client"
				p.Platform = config.Platform{Kind: config.KindNone}
			},
			args: []string{"config", "validate"}, wantCode: exitOK,
			wantStdout: []string{"/callback\n"},
			wantStderr: []string{"Register these redirect URIs for client my-client at the identity provider"},
			notStderr:  []string{"Cognito", "app client", "Warning"},
		},
	}
	for _, tt := range tests {
		if tt.noDesktop && hasDesktop {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			if tt.profile != nil {
				h.writeProfile(tt.profile)
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			code := h.run(context.Background(), nil, tt.args...)
			stdout, stderr := h.stdout.String(), h.stderr.String()
			if code != tt.wantCode {
				t.Errorf("exit %d; want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if tt.wantStdout == nil && stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, stderr)
				}
			}
			for _, not := range tt.notStderr {
				if strings.Contains(stderr, not) {
					t.Errorf("stderr contains %q:\n%s", not, stderr)
				}
			}
			if n := strings.Count(stderr, "\n"); tt.maxLines > 0 && n > tt.maxLines {
				t.Errorf("stderr has %d lines; want at most %d:\n%s", n, tt.maxLines, stderr)
			}
		})
	}
}

// TestReadOnlyCommandsWriteNothing: commands that only read leave an empty
// data directory empty, with the file store too (no vault key file).
func TestReadOnlyCommandsWriteNothing(t *testing.T) {
	for _, args := range [][]string{
		{"status"}, {"token"}, {"config", "validate"}, {"config", "path"},
		{"--insecure-file-store", "status"}, {"--insecure-file-store", "token"},
		{"--insecure-file-store", "config", "validate"}, {"--insecure-file-store", "status", "--format", "json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			h.run(context.Background(), nil, args...)
			if m, _ := filepath.Glob(filepath.Join(h.dataDir(), "*")); len(m) > 0 {
				t.Errorf("files written: %v; stderr:\n%s", m, h.stderr.String())
			}
		})
	}
}

// TestEachTokenItsOwnExpiry: Cognito gives id and access tokens separate
// lifetimes; login and status show each one's own.
func TestEachTokenItsOwnExpiry(t *testing.T) {
	h := newHarness(t, authtest.Options{IDTokenTTL: 5 * time.Hour, AccessTokenTTL: 15 * time.Minute})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	login := h.stderr.String()
	s := h.loadSession()
	if d := s.Claims.Expiry.Sub(s.Expiry); d < 4*time.Hour || d > 5*time.Hour {
		t.Fatalf("id token exp %v, access expiry %v; want 4h45m apart", s.Claims.Expiry, s.Expiry)
	}
	h.mustRun(nil, "status")
	status := h.stderr.String()
	now := time.Now()
	for name, out := range map[string]string{"login": login, "status": status} {
		for _, want := range []string{
			"id token: valid until " + when(s.Claims.Expiry, now)[:20],
			"access token: valid until " + when(s.Expiry, now)[:20],
		} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%s does not say %q:\n%s", name, want, out)
			}
		}
	}
	h.mustRun(nil, "status", "--format", "json")
	var v statusView
	if err := json.Unmarshal(h.stdout.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.IDTokenExpiry == nil || !v.IDTokenExpiry.Equal(s.Claims.Expiry) || v.AccessExpiry == nil || !v.AccessExpiry.Equal(s.Expiry) {
		t.Errorf("status json: id %v, access %v; want %v and %v", v.IDTokenExpiry, v.AccessExpiry, s.Claims.Expiry, s.Expiry)
	}
}
