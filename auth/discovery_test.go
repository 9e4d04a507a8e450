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
