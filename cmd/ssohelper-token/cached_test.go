package main

import (
	"slices"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
)

// TestParse: the arguments ssohelper-token answers by itself are read as
// `ssohelper token` reads them; everything else is handed off.
func TestParse(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
		want options
	}{
		{nil, true, options{format: "raw", env: "SSOHELPER_TOKEN"}},
		{[]string{"--format", "json", "-p", "work"}, true, options{format: "json", env: "SSOHELPER_TOKEN", profile: "work"}},
		{[]string{"--format=env", "--env=TOK", "--profile=home", "--config", "/c.toml"}, true,
			options{format: "env", env: "TOK", profile: "home", config: "/c.toml"}},
		{[]string{"--min-valid", "30m", "--id-token", "--login"}, true,
			options{format: "raw", env: "SSOHELPER_TOKEN", minValid: 30 * time.Minute, idToken: true, login: true}},
		{[]string{"--login=false"}, true, options{format: "raw", env: "SSOHELPER_TOKEN"}},
		{[]string{"-v"}, false, options{}},
		{[]string{"--insecure-file-store"}, false, options{}},
		{[]string{"--help"}, false, options{}},
		{[]string{"--format", "yaml"}, false, options{}},
		{[]string{"--env", "1X"}, false, options{}},
		{[]string{"--min-valid", "-5m"}, false, options{}},
		{[]string{"--min-valid", "soon"}, false, options{}},
		{[]string{"--nosuch"}, false, options{}},
		{[]string{"extra"}, false, options{}},
		{[]string{"--", "--format", "json"}, false, options{}},
	}
	for _, tt := range tests {
		got, ok := parse(tt.args)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parse(%q) = %+v, %v; want %+v, %v", tt.args, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCachedHandsOff: with a variable only the full program handles, or
// nothing saved, there is no answer here.
func TestCachedHandsOff(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // an empty data directory
	for _, name := range append([]string{""}, fullOnlyEnv...) {
		getenv := func(k string) string {
			if k == name {
				return "1"
			}
			return ""
		}
		if out, ok := cached(nil, getenv, time.Now()); ok {
			t.Errorf("with %s set: answered %q", name, out)
		}
	}
}

// TestFullOnlyEnvNames: the names spelled out in fullOnlyEnv are config's.
func TestFullOnlyEnvNames(t *testing.T) {
	for _, name := range []string{config.EnvIssuer, config.EnvClientID} {
		if !slices.Contains(fullOnlyEnv, name) {
			t.Errorf("fullOnlyEnv lacks %s", name)
		}
	}
}
