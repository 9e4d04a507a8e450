package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDiscoverSlashIssuer: an issuer that ends with "/" is fetched at
// <issuer without the slash>/.well-known/openid-configuration and must be
// answered exactly, slash included.
func TestDiscoverSlashIssuer(t *testing.T) {
	var srv *httptest.Server
	answer := ""
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%s/authorize","token_endpoint":"%s/token","jwks_uri":"%s/jwks"}`, answer, srv.URL, srv.URL, srv.URL)
	}))
	defer srv.Close()
	issuer := srv.URL + "/"
	answer = issuer
	if m, err := (&Discoverer{}).Discover(context.Background(), issuer); err != nil || m.Issuer != issuer {
		t.Fatalf("slash issuer: %+v, %v", m, err)
	}
	answer = srv.URL // the provider drops the slash: not the same issuer
	if _, err := (&Discoverer{}).Discover(context.Background(), issuer); err == nil || !strings.Contains(err.Error(), "a trailing slash included") {
		t.Errorf("issuer without the slash accepted: %v", err)
	}
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    func(issuer string) string
		wantErr string
	}{
		{"cognito shape", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://p.auth.eu-west-1.amazoncognito.com/oauth2/authorize","token_endpoint":"https://p.auth.eu-west-1.amazoncognito.com/oauth2/token","jwks_uri":%q}`, iss, iss+"/.well-known/jwks.json")
		}, ""},
		{"issuer mismatch", 200, func(string) string {
			return `{"issuer":"https://evil.example.com","authorization_endpoint":"a","token_endpoint":"b","jwks_uri":"c"}`
		}, "names issuer"},
		{"missing endpoints", 200, func(iss string) string { return fmt.Sprintf(`{"issuer":%q}`, iss) }, "lacks"},
		{"http token endpoint", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://p.example.com/authorize","token_endpoint":"http://p.example.com/token","jwks_uri":"https://p.example.com/jwks"}`, iss)
		}, `unsafe token_endpoint: "http://p.example.com/token" uses plain http`},
		{"http jwks", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://p.example.com/authorize","token_endpoint":"https://p.example.com/token","jwks_uri":"http://p.example.com/jwks"}`, iss)
		}, "unsafe jwks_uri"},
		{"http userinfo", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://p.example.com/authorize","token_endpoint":"https://p.example.com/token","jwks_uri":"https://p.example.com/jwks","userinfo_endpoint":"http://p.example.com/me"}`, iss)
		}, "unsafe userinfo_endpoint"},
		{"http revocation", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://p.example.com/authorize","token_endpoint":"https://p.example.com/token","jwks_uri":"https://p.example.com/jwks","revocation_endpoint":"http://p.example.com/revoke"}`, iss)
		}, "unsafe revocation_endpoint"},
		{"file authorization endpoint", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"file:///etc/passwd","token_endpoint":"https://p.example.com/token","jwks_uri":"https://p.example.com/jwks"}`, iss)
		}, "unsafe authorization_endpoint"},
		{"javascript authorization endpoint", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"javascript:alert(1)","token_endpoint":"https://p.example.com/token","jwks_uri":"https://p.example.com/jwks"}`, iss)
		}, "unsafe authorization_endpoint"},
		{"credentials in endpoint", 200, func(iss string) string {
			return fmt.Sprintf(`{"issuer":%q,"authorization_endpoint":"https://u:p@p.example.com/authorize","token_endpoint":"https://p.example.com/token","jwks_uri":"https://p.example.com/jwks"}`, iss)
		}, "user name or password"},
		{"not found", 404, func(string) string { return "nope" }, "404"},
		{"not json", 200, func(string) string { return "<html>" }, "not a JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fetches := 0
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fetches++
				if r.URL.Path != "/pool/.well-known/openid-configuration" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body(srv.URL+"/pool"))
			}))
			defer srv.Close()
			d := &Discoverer{HTTP: srv.Client()}
			for range 2 {
				m, err := d.Discover(context.Background(), srv.URL+"/pool")
				if tt.wantErr != "" {
					if !errors.Is(err, ErrDiscovery) || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v; want ErrDiscovery mentioning %q", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got, want := m.RevocationEndpoint, "https://p.auth.eu-west-1.amazoncognito.com/oauth2/revoke"; got != want {
					t.Errorf("revocation = %q; want %q", got, want)
				}
				if got, want := m.EndSessionEndpoint, "https://p.auth.eu-west-1.amazoncognito.com/logout"; got != want {
					t.Errorf("end session = %q; want %q", got, want)
				}
			}
			if got, want := fetches, 1; got != want {
				t.Errorf("fetches = %d; want %d (cached per run)", got, want)
			}
		})
	}
}
