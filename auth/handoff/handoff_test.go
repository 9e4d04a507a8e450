package handoff

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/platform"
)

var t0 = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func signIn(withPlatform bool) *auth.SignIn {
	s := &auth.SignIn{Profile: "work", Issuer: "https://idp.example", IDToken: "id.tok", AccessToken: "acc.tok", Expiry: t0.Add(time.Hour),
		Claims: auth.Claims{Name: "Dana Designer", Email: "dana@example.com"}}
	if withPlatform {
		s.Platform = &platform.Token{AccessToken: "plat'tok", Scope: "site_36_internalApi", Expiry: t0.Add(4*time.Hour + 500*time.Millisecond)}
	}
	return s
}

func TestFrom(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      *auth.SignIn
		which  Which
		tok    string
		kind   string
		expiry time.Time
		scope  string
	}{
		{"platform", signIn(true), Default, "plat'tok", "platform", t0.Add(4 * time.Hour), "site_36_internalApi"},
		{"kind none", signIn(false), Default, "acc.tok", "access", t0.Add(time.Hour), ""},
		{"id token", signIn(true), IDToken, "id.tok", "id", t0.Add(time.Hour), ""},
	} {
		got := From(tc.s, tc.which)
		if got.Token != tc.tok || got.Kind != tc.kind || !got.Expiry.Equal(tc.expiry) || got.Scope != tc.scope ||
			got.User != "dana@example.com" || got.Profile != "work" || got.Type != "Bearer" {
			t.Errorf("%s: got %+v", tc.name, got)
		}
	}
	s := signIn(false)
	s.Claims.Email = ""
	if u := From(s, Default).User; u != "Dana Designer" {
		t.Errorf("user without email = %q", u)
	}
}

func TestWrite(t *testing.T) {
	tok := From(signIn(true), Default)
	for _, tc := range []struct{ format, env, want string }{
		{"raw", "", "plat'tok\n"},
		{"", "", "plat'tok\n"},
		{"header", "", "Authorization: Bearer plat'tok\n"},
		{"env", "", "export SSOHELPER_TOKEN='plat'\\''tok'\nexport SSOHELPER_TOKEN_EXPIRY='2026-12-05T14:00:00Z'\nexport SSOHELPER_TOKEN_PROFILE='work'\nexport SSOHELPER_TOKEN_USER='dana@example.com'\n"},
		{"env", "PLATFORM", "export PLATFORM='plat'\\''tok'\n"},
	} {
		var b bytes.Buffer
		if err := Write(&b, tok, tc.format, tc.env); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(b.String(), tc.want) {
			t.Errorf("%s/%s: got %q; want %q", tc.format, tc.env, b.String(), tc.want)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, tok, "json", ""); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"token": "plat'tok", "type": "Bearer", "kind": "platform", "expiry": "2026-12-05T14:00:00Z",
		"profile": "work", "user": "dana@example.com", "scope": "site_36_internalApi"} {
		if back[k] != v {
			t.Errorf("json %s = %v; want %v", k, back[k], v)
		}
	}
	if err := Write(&b, tok, "yaml", ""); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "raw, json, header, env") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestEnvFormatInShell: a real shell reads the env format back exactly,
// quotes and all.
func TestEnvFormatInShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, From(signIn(true), Default), "env", ""); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sh, "-c", b.String()+`printf '%s|%s' "$SSOHELPER_TOKEN" "$SSOHELPER_TOKEN_USER"`).Output()
	if err != nil || string(out) != "plat'tok|dana@example.com" {
		t.Errorf("sh read %q, %v", out, err)
	}
}

func TestCheckEnvName(t *testing.T) {
	for name, ok := range map[string]bool{"SSOHELPER_TOKEN": true, "_x1": true, "a": true, "": false, "1A": false, "A-B": false, "A B": false, "Ä": false} {
		if err := CheckEnvName(name); (err == nil) != ok {
			t.Errorf("CheckEnvName(%q) = %v", name, err)
		}
	}
}
