package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// testKeys is a hand-written JWKS server with keys that can be rotated.
type testKeys struct {
	t       *testing.T
	mu      sync.Mutex
	keys    []jwk.Key // private keys; the JWKS serves their public halves
	fetches int
	srv     *httptest.Server
}

func newTestKeys(t *testing.T) *testKeys {
	t.Helper()
	k := &testKeys{t: t}
	k.rotate("kid-1")
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		k.mu.Lock()
		defer k.mu.Unlock()
		k.fetches++
		set := jwk.NewSet()
		for _, priv := range k.keys {
			pub, err := priv.PublicKey()
			if err != nil {
				t.Error(err)
			}
			set.AddKey(pub)
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *testKeys) rotate(kid string) jwk.Key {
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		k.t.Fatal(err)
	}
	key, err := jwk.Import(raw)
	if err != nil {
		k.t.Fatal(err)
	}
	key.Set(jwk.KeyIDKey, kid)
	key.Set(jwk.AlgorithmKey, jwa.RS256())
	k.mu.Lock()
	k.keys = append(k.keys, key)
	k.mu.Unlock()
	return key
}

func sign(t *testing.T, key jwk.Key, alg jwa.SignatureAlgorithm, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	if kid, ok := key.KeyID(); ok {
		hdr.Set(jws.KeyIDKey, kid)
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

const (
	testIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
	testClient = "abcdefghijklmnopqrstuvwxyz"
)

func goodClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss": testIssuer, "aud": testClient, "sub": "5f1c2f2e-0000-4000-8000-000000000001",
		"token_use": "id", "nonce": "n-123", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"auth_time": now.Unix(), "cognito:username": "designer", "cognito:groups": []string{"Designers", "Local Company"},
		"email": "designer@example.com", "email_verified": true, "custom:access_right": "Local Company",
	}
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	keys := newTestKeys(t)
	key := keys.keys[0]
	hmacKey, err := jwk.Import([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	hmacKey.Set(jwk.KeyIDKey, "kid-1")
	with := func(k string, v any) map[string]any {
		c := goodClaims(now)
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	tests := []struct {
		name   string
		token  string
		nonce  string
		reason string // substring of the error; "" = valid
	}{
		{"valid", sign(t, key, jwa.RS256(), goodClaims(now)), "n-123", ""},
		{"wrong issuer", sign(t, key, jwa.RS256(), with("iss", "https://evil.example.com")), "n-123", "validation failed"},
		{"wrong audience", sign(t, key, jwa.RS256(), with("aud", "someoneelse0000000000000000")), "n-123", "validation failed"},
		{"expired", sign(t, key, jwa.RS256(), with("exp", now.Add(-time.Hour).Unix())), "n-123", "validation failed"},
		{"no exp", sign(t, key, jwa.RS256(), with("exp", nil)), "n-123", "validation failed"},
		{"issued in the future", sign(t, key, jwa.RS256(), with("iat", now.Add(time.Hour).Unix())), "n-123", "validation failed"},
		{"access token", sign(t, key, jwa.RS256(), with("token_use", "access")), "n-123", "validation failed"},
		{"extra audience without azp", sign(t, key, jwa.RS256(), with("aud", []string{testClient, "other"})), "n-123", "azp"},
		{"extra audience with our azp", sign(t, key, jwa.RS256(), func() map[string]any {
			c := with("aud", []string{testClient, "other"})
			c["azp"] = testClient
			return c
		}()), "n-123", ""},
		{"azp of another party", sign(t, key, jwa.RS256(), with("azp", "other")), "n-123", "azp"},
		{"wrong nonce", sign(t, key, jwa.RS256(), goodClaims(now)), "n-other", "nonce"},
		{"missing nonce", sign(t, key, jwa.RS256(), with("nonce", nil)), "n-123", "nonce"},
		{"hs256", sign(t, hmacKey, jwa.HS256(), goodClaims(now)), "n-123", "only RS256"},
		{"tampered", tamper(sign(t, key, jwa.RS256(), goodClaims(now))), "n-123", "validation failed"},
		{"garbage", "not.a.jwt", "n-123", "not a signed JWT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(VerifierConfig{Issuer: testIssuer, ClientID: testClient, JWKSURL: keys.srv.URL, Cognito: true, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			c, err := v.Verify(context.Background(), tt.token, tt.nonce)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got, want := c.Username, "designer"; got != want {
					t.Errorf("username = %q; want %q", got, want)
				}
				if got, want := strings.Join(c.Groups, ","), "Designers,Local Company"; got != want {
					t.Errorf("groups = %q; want %q", got, want)
				}
				if got, want := c.Custom["access_right"], "Local Company"; got != want {
					t.Errorf("custom:access_right = %q; want %q", got, want)
				}
				if !c.EmailVerified {
					t.Errorf("email_verified = false; want true")
				}
				return
			}
			if !errors.Is(err, ErrInvalidIDToken) {
				t.Fatalf("err = %v; want ErrInvalidIDToken", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q; want it to mention %q", err, tt.reason)
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("error message contains the token")
			}
		})
	}
}

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	sig := []byte(parts[2])
	if sig[10] == 'A' {
		sig[10] = 'B'
	} else {
		sig[10] = 'A'
	}
	return parts[0] + "." + parts[1] + "." + string(sig)
}

func TestVerifyKeyRotation(t *testing.T) {
	now := time.Now()
	keys := newTestKeys(t)
	clock := now
	v, err := NewVerifier(VerifierConfig{Issuer: testIssuer, ClientID: testClient, JWKSURL: keys.srv.URL, Cognito: true, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, keys.keys[0], jwa.RS256(), goodClaims(now)), "n-123"); err != nil {
		t.Fatalf("first key: %v", err)
	}
	newKey := keys.rotate("kid-2")
	clock = now.Add(minRefetch + time.Second)
	if _, err := v.Verify(context.Background(), sign(t, newKey, jwa.RS256(), goodClaims(now)), "n-123"); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if got, want := keys.fetches, 2; got != want {
		t.Errorf("JWKS fetches = %d; want %d (one refetch on the unknown kid)", got, want)
	}
	// An unknown kid right after a fetch does not hammer the JWKS endpoint.
	stranger := keys.rotate("kid-3")
	for range 3 {
		if _, err := v.Verify(context.Background(), sign(t, stranger, jwa.RS256(), goodClaims(now)), "n-123"); err == nil {
			t.Fatal("a kid fetched too early was accepted")
		}
	}
	if got, want := keys.fetches, 2; got != want {
		t.Errorf("JWKS fetches = %d; want %d", got, want)
	}
}

func TestNewVerifierRequiresEverything(t *testing.T) {
	for _, cfg := range []VerifierConfig{
		{ClientID: testClient, JWKSURL: "https://x"},
		{Issuer: testIssuer, JWKSURL: "https://x"},
		{Issuer: testIssuer, ClientID: testClient},
	} {
		if _, err := NewVerifier(cfg); err == nil {
			t.Errorf("NewVerifier(%+v) = nil error; want one", cfg)
		}
	}
}
