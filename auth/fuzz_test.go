package auth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// The provider and the one-time values every fuzzed answer is read for.
// The seeds under testdata/fuzz are built for them (the signed id_token
// seeds for fuzzNow).
const (
	fuzzIssuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
	fuzzDomain   = "https://example.auth.eu-west-1.amazoncognito.com"
	fuzzClientID = "1example23456789abcdefghij"
	fuzzSecret   = "client-secret-7Qm2xW9pLkZ4"
	fuzzCode     = "code-5d41402abc4b2a76b9719d91"
	fuzzVerifier = "verifier-8b1a9953c4611296a827abf8c47804d7"
	fuzzRefresh  = "refresh-2c26b46b68ffc68ff99b453c1d304134"
	fuzzNonce    = "nonce-9f86d081884c7d659a2feaa0"
	fuzzLimit    = 10 * time.Second
)

var fuzzNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// FuzzTokenResponse answers the code exchange, a refresh and a revocation
// with one HTTP response parsed from the fuzzed bytes, as the client reads
// it off the wire. Properties: no panic; each call ends; a failure returns
// no Tokens, and its text is printable, bounded and never holds the code,
// the PKCE verifier, the refresh token or the client secret, whatever the
// provider echoes; a success has an id_token and an access token (and,
// for a refresh, a refresh token); a Retry-After is never negative.
func FuzzTokenResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		hc := &http.Client{Transport: fuzzReplay(raw), Timeout: fuzzLimit}
		m := &Metadata{Issuer: fuzzIssuer, AuthorizationEndpoint: fuzzDomain + "/oauth2/authorize",
			TokenEndpoint: fuzzDomain + "/oauth2/token", JWKSURI: fuzzIssuer + "/.well-known/jwks.json",
			RevocationEndpoint: fuzzDomain + "/oauth2/revoke"}
		ctx := context.Background()

		oc := oauthConfig(m, fuzzClientID, fuzzSecret, "http://localhost:43110/callback", config.DefaultScopes)
		stop := fuzzWatchdog("redeem, answered %q", raw)
		tok, err := redeem(ctx, hc, oc, fuzzCode, fuzzVerifier)
		stop()
		fuzzCheckTokens(t, "code exchange", tok, err, fuzzCode, fuzzVerifier, fuzzSecret)

		p := &Provider{Profile: fuzzProfile(), ClientSecret: fuzzSecret, HTTP: hc, meta: m}
		stop = fuzzWatchdog("Refresh, answered %q", raw)
		tok, err = p.Refresh(ctx, fuzzRefresh)
		stop()
		fuzzCheckTokens(t, "refresh", tok, err, fuzzRefresh, fuzzSecret)
		if err == nil && tok.RefreshToken == "" {
			t.Fatal("refresh: a success without a refresh token")
		}

		stop = fuzzWatchdog("Revoke, answered %q", raw)
		err = p.Revoke(ctx, fuzzRefresh)
		stop()
		if err != nil {
			fuzzCheckError(t, "revoke", err, fuzzRefresh, fuzzSecret)
		}
	})
}

// FuzzDiscovery answers the discovery request with one HTTP response parsed
// from the fuzzed bytes. Properties: no panic; Discover ends; a failure
// returns no Metadata and a printable error wrapping ErrDiscovery; a
// success names the configured issuer exactly, has the authorization,
// token and JWKS endpoints, and every endpoint it names passes the config
// file's URL rule (https, or http on loopback; no credentials).
func FuzzDiscovery(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		d := &Discoverer{HTTP: &http.Client{Transport: fuzzReplay(raw), Timeout: fuzzLimit}}
		stop := fuzzWatchdog("Discover, answered %q", raw)
		m, err := d.Discover(context.Background(), fuzzIssuer)
		stop()
		if err != nil {
			if m != nil {
				t.Fatalf("Discover failed (%v) but returned %+v", err, m)
			}
			if !errors.Is(err, ErrDiscovery) {
				t.Fatalf("error %q does not wrap ErrDiscovery", err)
			}
			fuzzCheckError(t, "discovery", err)
			return
		}
		if m.Issuer != fuzzIssuer || m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" || m.JWKSURI == "" {
			t.Fatalf("Discover accepted incomplete or foreign metadata: %+v", m)
		}
		for _, u := range []string{m.AuthorizationEndpoint, m.TokenEndpoint, m.JWKSURI, m.UserInfoEndpoint, m.RevocationEndpoint, m.EndSessionEndpoint} {
			if u == "" {
				continue
			}
			if msg := config.CheckEndpoint(u); msg != "" {
				t.Fatalf("Discover accepted an unsafe endpoint: %s", msg)
			}
		}
	})
}

// FuzzIDToken verifies a fuzzed id_token against a fuzzed JWKS (served
// with 200 OK), for fuzzNow. The seeds hold a token signed with the
// seeds' JWKS key and the classic forgeries. Properties: no panic;
// Verify ends; a refusal returns no Claims, is a *VerifyError wrapping
// ErrInvalidIDToken, is printable and holds no part of the token; an
// accepted token is RS256, names the issuer, the client among its
// audience (as azp too when it has several), token_use "id", the nonce,
// a subject, is neither expired nor issued in the future, and its display
// fields are printable.
func FuzzIDToken(f *testing.F) {
	f.Fuzz(func(t *testing.T, token string, jwks []byte) {
		v, err := NewVerifier(VerifierConfig{Issuer: fuzzIssuer, ClientID: fuzzClientID, JWKSURL: fuzzIssuer + "/.well-known/jwks.json",
			Cognito: true, HTTP: &http.Client{Transport: fuzzServe(jwks), Timeout: fuzzLimit}, Now: func() time.Time { return fuzzNow }})
		if err != nil {
			t.Fatal(err)
		}
		stop := fuzzWatchdog("Verify(%q) with JWKS %q", token, jwks)
		c, err := v.Verify(context.Background(), token, fuzzNonce)
		stop()
		if err != nil {
			if c != nil {
				t.Fatalf("Verify refused the token (%v) but returned %+v", err, c)
			}
			var ve *VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalidIDToken) {
				t.Fatalf("error %q is not a *VerifyError wrapping ErrInvalidIDToken", err)
			}
			msg := err.Error()
			fuzzCheckError(t, "verify", err)
			for part := range strings.SplitSeq(token, ".") {
				if len(part) >= 16 && strings.Contains(msg, part) {
					t.Fatalf("the refusal holds part of the token %q: %s", part, msg)
				}
			}
			return
		}
		if alg := fuzzHeaderAlg(token); alg != "RS256" {
			t.Fatalf("Verify accepted a token with alg %q", alg)
		}
		switch {
		case c.Issuer != fuzzIssuer:
			t.Fatalf("accepted iss %q", c.Issuer)
		case !slices.Contains(c.Audience, fuzzClientID):
			t.Fatalf("accepted aud %q", c.Audience)
		case len(c.Audience) > 1 && c.AuthorizedParty != fuzzClientID:
			t.Fatalf("accepted aud %q with azp %q", c.Audience, c.AuthorizedParty)
		case c.TokenUse != "id":
			t.Fatalf("accepted token_use %q", c.TokenUse)
		case c.Nonce != fuzzNonce:
			t.Fatalf("accepted nonce %q", c.Nonce)
		case c.Subject == "":
			t.Fatal("accepted a token without sub")
		case !c.Expiry.After(fuzzNow.Add(-DefaultSkew)):
			t.Fatalf("accepted a token that expired at %v", c.Expiry)
		case c.IssuedAt.After(fuzzNow.Add(DefaultSkew)):
			t.Fatalf("accepted a token issued at %v", c.IssuedAt)
		}
		fuzzCheckDisplay(t, c)
	})
}

// FuzzClaims reads a fuzzed id_token payload, as Verify does once the
// signature holds: the only place the claims people read are cleaned.
// Properties: no panic; a failure returns no Claims; the fields shown
// (names, email, groups, custom claims, DisplayName) are printable and
// the groups sorted.
func FuzzClaims(f *testing.F) {
	f.Fuzz(func(t *testing.T, payload []byte) {
		stop := fuzzWatchdog("parseClaims(%q)", payload)
		c, err := parseClaims(payload)
		stop()
		if err != nil {
			if c != nil {
				t.Fatalf("parseClaims failed (%v) but returned %+v", err, c)
			}
			return
		}
		fuzzCheckDisplay(t, c)
	})
}

// fuzzCheckTokens checks one token endpoint outcome; sent are the values
// the request carried.
func fuzzCheckTokens(t *testing.T, op string, tok *Tokens, err error, sent ...string) {
	t.Helper()
	if err != nil {
		if tok != nil {
			t.Fatalf("%s failed (%v) but returned tokens", op, err)
		}
		fuzzCheckError(t, op, err, sent...)
		return
	}
	if tok.IDToken == "" || tok.AccessToken == "" {
		t.Fatalf("%s: a success without an id_token or access token: %+v", op, tok)
	}
}

// fuzzCheckError checks that an error for people is printable, bounded
// and holds none of sent.
func fuzzCheckError(t *testing.T, op string, err error, sent ...string) {
	t.Helper()
	msg := err.Error()
	if sanitize.Text(msg) != msg {
		t.Fatalf("%s: the error is not printable: %q", op, msg)
	}
	if len(msg) > 4*sanitize.MaxLen {
		t.Fatalf("%s: the error is %d bytes long", op, len(msg))
	}
	for _, s := range sent {
		if strings.Contains(msg, s) {
			t.Fatalf("%s: the error holds a value the request sent (%s): %q", op, s, msg)
		}
	}
	var te *TokenError
	if errors.As(err, &te) && te.RetryAfter < 0 {
		t.Fatalf("%s: Retry-After %v", op, te.RetryAfter)
	}
}

// fuzzCheckDisplay checks the claims people see.
func fuzzCheckDisplay(t *testing.T, c *Claims) {
	t.Helper()
	shown := []string{c.Name, c.Username, c.Email, c.DisplayName()}
	shown = append(shown, c.Groups...)
	for k, v := range c.Custom {
		shown = append(shown, k, v)
	}
	for _, s := range shown {
		if sanitize.Text(s) != s {
			t.Fatalf("a displayed claim is not printable: %q", s)
		}
	}
	if !sort.StringsAreSorted(c.Groups) {
		t.Fatalf("groups are not sorted: %q", c.Groups)
	}
}

// fuzzHeaderAlg reads the alg of a compact JWS's header, or "".
func fuzzHeaderAlg(token string) string {
	head, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Alg
}

// fuzzProfile is the Cognito profile the fuzzed answers are for.
func fuzzProfile() config.Profile {
	return config.Profile{Name: "work", UserPoolID: "eu-west-1_AbC123", ClientID: fuzzClientID, Confidential: true,
		Platform: config.Platform{Kind: config.KindNone}}.WithDefaults()
}

// fuzzReplay answers every request with the HTTP response in its bytes,
// read as the client reads one off the wire.
type fuzzReplay []byte

func (raw fuzzReplay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), req)
}

// fuzzServe answers every request with 200 OK and body.
type fuzzServe []byte

func (body fuzzServe) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}, nil
}

// fuzzWatchdog crashes the fuzzing process when stop is not called within
// fuzzLimit, naming the call (format and args, formatted only then): the
// fuzzer keeps the input that did not end.
func fuzzWatchdog(format string, args ...any) (stop func()) {
	t := time.AfterFunc(fuzzLimit, func() { panic(fmt.Sprintf(format, args...) + " did not return in time") })
	return func() { t.Stop() }
}
