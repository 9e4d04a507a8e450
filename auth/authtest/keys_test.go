package authtest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

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
	if got, want := len(oldKids), 1; got != want {
		t.Fatalf("got %d keys; want %d", got, want)
	}

	e.s.RotateSigningKey()
	kids := jwksKids(t, e.s)
	if got, want := len(kids), 2; got != want {
		t.Fatalf("after rotation got %d keys; want %d", got, want)
	}
	if got, want := kids[1], oldKids[0]; got != want {
		t.Errorf("after rotation got previous kid %q; want %q", got, want)
	}
	newToken := e.tokens(t)["id_token"].(string)
	if _, err := e.s.verifyIDToken(oldToken); err != nil {
		t.Errorf("old token after rotation: %v", err)
	}
	if _, err := e.s.verifyIDToken(newToken); err != nil {
		t.Errorf("new token after rotation: %v", err)
	}

	e.s.DropOldKeys()
	if got, want := len(jwksKids(t, e.s)), 1; got != want {
		t.Fatalf("after drop got %d keys; want %d", got, want)
	}
	if _, err := e.s.verifyIDToken(oldToken); err == nil {
		t.Errorf("old token after drop: got valid; want rejected")
	}
	if _, err := e.s.verifyIDToken(newToken); err != nil {
		t.Errorf("new token after drop: %v", err)
	}
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
