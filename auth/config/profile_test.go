package config

import (
	"slices"
	"testing"
	"time"
)

func TestWithDefaults(t *testing.T) {
	got := Profile{UserPoolID: "eu-west-1_AbC123"}.WithDefaults()
	if got.Region != "eu-west-1" {
		t.Errorf("got region %q; want %q", got.Region, "eu-west-1")
	}
	if !slices.Equal(got.Scopes, DefaultScopes) || !slices.Equal(got.RedirectPorts, DefaultRedirectPorts) {
		t.Errorf("got scopes %v ports %v; want defaults", got.Scopes, got.RedirectPorts)
	}
	if got.CallbackPath != "/callback" || got.LoginTimeout.Duration != 5*time.Minute || got.Platform.Kind != "" {
		t.Errorf("got path %q timeout %v kind %q; want defaults and no platform kind (it has none)", got.CallbackPath, got.LoginTimeout, got.Platform.Kind)
	}
	got.Scopes[0], got.RedirectPorts[0] = "changed", 1
	if DefaultScopes[0] != "openid" || DefaultRedirectPorts[0] != 43110 {
		t.Errorf("got defaults changed through a profile; want copies")
	}
	kept := Profile{Region: "us-east-1", UserPoolID: "eu-west-1_A", CallbackPath: "/cb"}.WithDefaults()
	if kept.Region != "us-east-1" || kept.CallbackPath != "/cb" {
		t.Errorf("got region %q path %q; want set fields kept", kept.Region, kept.CallbackPath)
	}
}

func TestIssuerURL(t *testing.T) {
	tests := []struct {
		p    Profile
		want string
	}{
		{Profile{UserPoolID: "eu-west-1_AbC123"}, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"},
		{Profile{UserPoolID: "eu-west-1_AbC123", Region: "eu-west-1"}, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"},
		{Profile{UserPoolID: "cn-north-1_AbC123"}, "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123"},
		{Profile{UserPoolID: "cn-northwest-1_AbC123"}, "https://cognito-idp.cn-northwest-1.amazonaws.com.cn/cn-northwest-1_AbC123"},
		{Profile{UserPoolID: "us-gov-west-1_AbC123"}, "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC123"},
		{Profile{Issuer: "https://accounts.example.com"}, "https://accounts.example.com"},
		{Profile{Issuer: "https://tenant.eu.auth0.com/"}, "https://tenant.eu.auth0.com/"},
		{Profile{}, ""},
	}
	for _, tt := range tests {
		if got := tt.p.IssuerURL(); got != tt.want {
			t.Errorf("%+v: got %q; want %q", tt.p, got, tt.want)
		}
	}
	// A China-region issuer written out is still a Cognito one.
	if !(Profile{Issuer: "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123"}).IsCognito() {
		t.Error("a cn- issuer is not taken for Cognito")
	}
}

func TestIsCognito(t *testing.T) {
	tests := []struct {
		p    Profile
		want bool
	}{
		{Profile{UserPoolID: "eu-west-1_A"}, true},
		{Profile{Issuer: "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_A"}, true},
		{Profile{Issuer: "https://accounts.example.com"}, false},
		{Profile{Issuer: "http://127.0.0.1:41234/eu-west-1_SSOdemo1"}, true},
		{Profile{Issuer: "https://idp.example.com/eu-west-1_SSOdemo1"}, false},
		{Profile{Issuer: "http://127.0.0.1:41234/realms/demo"}, false},
		{Profile{Issuer: "https://cognito-idp.eu-west-1.amazonaws.com.evil.example/x"}, false},
	}
	for _, tt := range tests {
		if got := tt.p.IsCognito(); got != tt.want {
			t.Errorf("%+v: got %v; want %v", tt.p, got, tt.want)
		}
	}
}

func TestRedirectURI(t *testing.T) {
	if got, want := (Profile{CallbackPath: "/cb"}).RedirectURI(43111), "http://localhost:43111/cb"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	if got, want := (Profile{}).RedirectURI(43110), "http://localhost:43110/callback"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestDurationText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1m30s")); err != nil || d.Duration != 90*time.Second {
		t.Errorf("got %v, %v; want 1m30s, nil", d, err)
	}
	if err := d.UnmarshalText([]byte("5 minutes")); err == nil {
		t.Error("got nil error for \"5 minutes\"; want an error")
	}
	b, _ := Duration{5 * time.Minute}.MarshalText()
	if got, want := string(b), "5m0s"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}
