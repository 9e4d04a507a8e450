package config

import (
	"slices"
	"testing"
)

func TestApply(t *testing.T) {
	base := validProfile()
	got := base.Apply(Overrides{Issuer: "https://accounts.example.com", ClientID: "c", RedirectPorts: []int{50000}})
	if got.Issuer != "https://accounts.example.com" || got.UserPoolID != "" || got.Region != "" {
		t.Errorf("got issuer %q pool %q region %q; want issuer only", got.Issuer, got.UserPoolID, got.Region)
	}
	if got.ClientID != "c" || !slices.Equal(got.RedirectPorts, []int{50000}) {
		t.Errorf("got client %q ports %v; want c [50000]", got.ClientID, got.RedirectPorts)
	}
	if same := base.Apply(Overrides{NoBrowser: true}); same.UserPoolID != base.UserPoolID || same.ClientID != base.ClientID {
		t.Errorf("got %+v; want the profile unchanged by empty overrides", same)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{EnvProfile: "p", EnvIssuer: "https://i.example.com", EnvClientID: "c"}
	got := FromEnv(func(k string) string { return env[k] })
	if got.Profile != "p" || got.Issuer != "https://i.example.com" || got.ClientID != "c" {
		t.Errorf("got %+v; want values from the environment", got)
	}
}

func TestSecretFromEnv(t *testing.T) {
	env := map[string]string{EnvClientSecret: "cs", EnvPlatformSecret: ""}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"client", "cs", true},
		{"platform", "", false},
		{"other", "", false},
	}
	for _, tt := range tests {
		got, ok := SecretFromEnv(getenv, tt.name)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: got %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
