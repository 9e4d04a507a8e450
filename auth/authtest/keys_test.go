package authtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

func jwksKids(t *testing.T, s *Server) []string {
	t.Helper()
	resp, err := http.Get(s.Issuer() + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			Kid, Alg, Kty, Use string
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		if k.Alg != "RS256" || k.Kty != "RSA" || k.Use != "sig" {
			t.Errorf("got key alg=%s kty=%s use=%s; want RS256 RSA sig", k.Alg, k.Kty, k.Use)
		}
		kids = append(kids, k.Kid)
	}
	return kids
}

func TestKeyRotation(t *testing.T) {
	e := newEnv(t, nil)
	oldToken := e.tokens(t)["id_token"].(string)
	oldKids := jwksKids(t, e.s)
	if got, want := len(oldKids), 2; got != want {
		t.Fatalf("got %d keys; want %d (id and access)", got, want)
	}

	e.s.RotateSigningKey()
	kids := jwksKids(t, e.s)
	if got, want := len(kids), 4; got != want {
		t.Fatalf("after rotation got %d keys; want %d", got, want)
	}
	if got, want := kids[2:], oldKids; !slices.Equal(got, want) {
		t.Errorf("after rotation got previous kids %q; want %q", got, want)
	}
	newToken := e.tokens(t)["id_token"].(string)
	if _, err := e.s.verifyIDToken(oldToken); err != nil {
		t.Errorf("old token after rotation: %v", err)
	}
	if _, err := e.s.verifyIDToken(newToken); err != nil {
		t.Errorf("new token after rotation: %v", err)
	}

	e.s.DropOldKeys()
	if got, want := jwksKids(t, e.s), kids[:2]; !slices.Equal(got, want) {
		t.Fatalf("after drop got kids %q; want %q", got, want)
	}
	if _, err := e.s.verifyIDToken(oldToken); err == nil {
		t.Errorf("old token after drop: got valid; want rejected")
	}
	if _, err := e.s.verifyIDToken(newToken); err != nil {
		t.Errorf("new token after drop: %v", err)
	}
}

// TestIDAndAccessKeys: as at Cognito, id tokens and access tokens are
// signed with different keys (kids), both in the JWKS; each token verifies
// with a standard verifier against the JWKS fetched over HTTP.
func TestIDAndAccessKeys(t *testing.T) {
	e := newEnv(t, nil)
	body := e.tokens(t)
	set, err := jwk.Fetch(context.Background(), e.s.Issuer()+"/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	kids := jwksKids(t, e.s)
	tests := []struct {
		field   string // in the token response
		use     string // token_use
		wantKid string
	}{
		{"id_token", "id", kids[0]},
		{"access_token", "access", kids[1]},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			raw := body[tt.field].(string)
			msg, err := jws.ParseString(raw)
			if err != nil {
				t.Fatal(err)
			}
			kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
			if got, want := kid, tt.wantKid; got != want {
				t.Errorf("got kid %q; want %q", got, want)
			}
			if seen[kid] {
				t.Errorf("kid %q signs more than one kind of token", kid)
			}
			seen[kid] = true
			tok, err := jwt.ParseString(raw, jwt.WithKeySet(set), jwt.WithIssuer(e.s.Issuer()),
				jwt.WithClock(jwt.ClockFunc(e.clock.Now)))
			if err != nil {
				t.Fatalf("jwt.ParseString: %v", err)
			}
			var use string
			if err := tok.Get("token_use", &use); err != nil || use != tt.use {
				t.Errorf("got token_use %q (%v); want %q", use, err, tt.use)
			}
		})
	}
}

// TestTokenLifetimes: the id and access tokens each live as long as their
// option says (the access token's lifetime defaults to the id token's), and
// expires_in is the access token's, at sign-in and at refresh.
func TestTokenLifetimes(t *testing.T) {
	tests := []struct {
		name            string
		id, access      time.Duration // Options
		wantID, wantAcc time.Duration
	}{
		{"defaults", 0, 0, time.Hour, time.Hour},
		{"id lifetime only", 5 * time.Hour, 0, 5 * time.Hour, 5 * time.Hour},
		{"access lifetime only", 0, 15 * time.Minute, time.Hour, 15 * time.Minute},
		{"both", 24 * time.Hour, 5 * time.Minute, 24 * time.Hour, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.IDTokenTTL, o.AccessTokenTTL = tt.id, tt.access })
			body := e.tokens(t)
			refresh := body["refresh_token"].(string)
			_, refreshed := post(t, e.s.URL()+"/oauth2/token", url.Values{
				"grant_type": {"refresh_token"}, "client_id": {testClientID}, "refresh_token": {refresh},
			}, "", "")
			for name, b := range map[string]map[string]any{"sign-in": body, "refresh": refreshed} {
				if got, want := lifetime(t, b["id_token"]), tt.wantID; got != want {
					t.Errorf("%s: got id token lifetime %s; want %s", name, got, want)
				}
				if got, want := lifetime(t, b["access_token"]), tt.wantAcc; got != want {
					t.Errorf("%s: got access token lifetime %s; want %s", name, got, want)
				}
				if got, want := b["expires_in"], float64(tt.wantAcc.Seconds()); got != want {
					t.Errorf("%s: got expires_in %v; want %v", name, got, want)
				}
			}
		})
	}
}

// lifetime is exp - iat of a JWT (not verified).
func lifetime(t *testing.T, token any) time.Duration {
	t.Helper()
	s, ok := token.(string)
	if !ok {
		t.Fatalf("got token %v; want a string", token)
	}
	c := payload(t, s)
	exp, _ := c["exp"].(float64)
	iat, _ := c["iat"].(float64)
	return time.Duration(exp-iat) * time.Second
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.s.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                 e.s.Issuer(),
		"authorization_endpoint": e.s.URL() + "/oauth2/authorize",
		"token_endpoint":         e.s.URL() + "/oauth2/token",
		"end_session_endpoint":   e.s.URL() + "/logout",
		"jwks_uri":               e.s.Issuer() + "/.well-known/jwks.json",
	}
	for k, w := range want {
		if got := doc[k]; got != w {
			t.Errorf("%s: got %v; want %v", k, got, w)
		}
	}
	if _, ok := doc["code_challenge_methods_supported"]; ok {
		t.Errorf("got code_challenge_methods_supported; Cognito does not advertise it")
	}
}

// TestTokensVerifyWithJWX checks that a standard verifier (jwx with the JWKS
// fetched over HTTP, as the auth package does) accepts the id token.
func TestTokensVerifyWithJWX(t *testing.T) {
	e := newEnv(t, nil)
	idToken := e.tokens(t)["id_token"].(string)
	set, err := jwk.Fetch(context.Background(), e.s.Issuer()+"/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.ParseString(idToken,
		jwt.WithKeySet(set),
		jwt.WithIssuer(e.s.Issuer()),
		jwt.WithAudience(testClientID),
		jwt.WithClock(jwt.ClockFunc(e.clock.Now)),
	)
	if err != nil {
		t.Fatalf("jwt.ParseString: %v", err)
	}
	var use string
	if err := tok.Get("token_use", &use); err != nil || use != "id" {
		t.Errorf("got token_use %q (%v); want id", use, err)
	}
	msg, err := jws.ParseString(idToken)
	if err != nil {
		t.Fatal(err)
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	kid, _ := hdr.KeyID()
	if got, want := kid, jwksKids(t, e.s)[0]; got != want {
		t.Errorf("got kid %q; want %q", got, want)
	}
}
