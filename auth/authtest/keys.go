package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// errBadSignature is returned by verifyJWT for tokens that do not verify
// against the JWKS; the token itself is never part of an error.
var errBadSignature = errors.New("authtest: token signature does not verify")

// signingKey is one RSA key of the pool with its kid.
type signingKey struct {
	kid     string
	private jwk.Key
	public  jwk.Key
}

// newSigningKey generates an RSA 2048 key with a random, Cognito-shaped kid.
func newSigningKey() (*signingKey, error) {
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("authtest: generate rsa key: %w", err)
	}
	kidBytes := make([]byte, 32)
	_, _ = rand.Read(kidBytes)
	kid := base64.StdEncoding.EncodeToString(kidBytes)

	priv, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("authtest: import rsa key: %w", err)
	}
	pub, err := jwk.Import(&raw.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("authtest: import rsa public key: %w", err)
	}
	for _, k := range []jwk.Key{priv, pub} {
		if err := k.Set(jwk.KeyIDKey, kid); err != nil {
			return nil, fmt.Errorf("authtest: set kid: %w", err)
		}
		if err := k.Set(jwk.AlgorithmKey, jwa.RS256()); err != nil {
			return nil, fmt.Errorf("authtest: set alg: %w", err)
		}
		if err := k.Set(jwk.KeyUsageKey, jwk.ForSignature); err != nil {
			return nil, fmt.Errorf("authtest: set use: %w", err)
		}
	}
	return &signingKey{kid: kid, private: priv, public: pub}, nil
}

// sign serialises claims and signs them as a compact RS256 JWS with the kid
// in the protected header, the way Cognito does ({"kid":…,"alg":"RS256"}).
func (k *signingKey) sign(claims map[string]any) (string, error) {
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("authtest: encode claims: %w", err)
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.KeyIDKey, k.kid); err != nil {
		return "", fmt.Errorf("authtest: set kid header: %w", err)
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.RS256(), k.private, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("authtest: sign token: %w", err)
	}
	return string(out), nil
}

// keyPair is one generation of the pool's signing keys. As Cognito does,
// id tokens and access tokens are signed with different RSA keys (two
// kids), and the JWKS publishes both.
type keyPair struct {
	id, access *signingKey
}

// newKeyPair generates the two keys of a generation, side by side.
func newKeyPair() (keyPair, error) {
	type result struct {
		k   *signingKey
		err error
	}
	access := make(chan result, 1)
	go func() { // Exits once its key is made.
		k, err := newSigningKey()
		access <- result{k, err}
	}()
	id, err := newSigningKey()
	a := <-access
	if err = errors.Join(err, a.err); err != nil {
		return keyPair{}, err
	}
	return keyPair{id: id, access: a.k}, nil
}

// publicSetLocked returns the JWKS: the current id and access keys first,
// then those they replaced. The caller holds s.mu.
func (s *Server) publicSetLocked() jwk.Set {
	set := jwk.NewSet()
	for _, p := range s.keys {
		_ = set.AddKey(p.id.public)
		_ = set.AddKey(p.access.public)
	}
	return set
}

// currentKeys returns the keys new tokens are signed with.
func (s *Server) currentKeys() keyPair {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0]
}

// RotateSigningKey makes a new pair of RSA keys, with new kids, the signing
// keys for id and access tokens. The JWKS then serves the new keys and the
// ones they replaced, as Cognito does during a rotation. Keys older than
// that are dropped.
func (s *Server) RotateSigningKey() {
	p, err := newKeyPair()
	if err != nil {
		// crypto/rand does not fail on supported platforms; keep the old keys.
		s.log.Error("authtest: key rotation failed", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = []keyPair{p, s.keys[0]}
	s.log.Debug("authtest: signing keys rotated", "id_kid", p.id.kid, "access_kid", p.access.kid)
}

// DropOldKeys makes the JWKS serve only the current keys; tokens signed by
// earlier keys stop verifying.
func (s *Server) DropOldKeys() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = s.keys[:1]
}

// SignIDToken signs claims, unchanged, with the current id token key. Tests
// use it to forge tokens with any claim set.
func (s *Server) SignIDToken(claims map[string]any) (string, error) {
	return s.currentKeys().id.sign(claims)
}

// verifyJWT checks token's signature against the keys the JWKS currently
// serves and returns its claims. It checks no claim.
func (s *Server) verifyJWT(token string) (map[string]any, error) {
	s.mu.Lock()
	set := s.publicSetLocked()
	s.mu.Unlock()
	payload, err := jws.Verify([]byte(token), jws.WithKeySet(set))
	if err != nil {
		return nil, errBadSignature
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("authtest: token payload is not a json object: %w", errBadSignature)
	}
	return claims, nil
}

// tamper corrupts the signature of a compact JWS so that it no longer verifies.
func tamper(token string) string {
	b := []byte(token)
	i := len(b) - 10
	if i < 0 {
		return token
	}
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
