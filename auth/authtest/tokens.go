package authtest

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// jweHeader is the protected header of Cognito's refresh tokens
// ({"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}), which are JWEs.
const jweHeader = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"

// grant is what a set of Cognito tokens is issued for.
type grant struct {
	clientID string
	username string
	scope    string
	nonce    string
	family   string // origin_jti shared by every token of one sign-in
	authTime time.Time
}

// refreshState is the server side of an opaque refresh token.
type refreshState struct {
	grant
	expires   time.Time // hard end, kept across rotations
	rotatedAt time.Time // zero while the token is the current one
}

// mint issues an id token and an access token for g, each signed with its
// own key and with its own lifetime (Options.IDTokenTTL, AccessTokenTTL).
func (s *Server) mint(g grant) (idToken, accessToken string, err error) {
	user := s.users[strings.ToLower(g.username)]
	now := s.now()
	exp, accessExp := now.Add(s.opts.IDTokenTTL), now.Add(s.opts.AccessTokenTTL)
	eventID := newUUID()

	access := map[string]any{
		"sub":        user.Sub,
		"iss":        s.Issuer(),
		"version":    2,
		"client_id":  g.clientID,
		"origin_jti": g.family,
		"event_id":   eventID,
		"token_use":  "access",
		"scope":      g.scope,
		"auth_time":  g.authTime.Unix(),
		"exp":        accessExp.Unix(),
		"iat":        now.Unix(),
		"jti":        newUUID(),
		"username":   user.Username,
	}
	if len(user.Groups) > 0 {
		access["cognito:groups"] = user.Groups
	}
	keys := s.currentKeys()
	accessToken, err = keys.access.sign(access)
	if err != nil {
		return "", "", err
	}

	sum := sha256.Sum256([]byte(accessToken))
	id := map[string]any{
		"at_hash":          base64.RawURLEncoding.EncodeToString(sum[:16]),
		"sub":              user.Sub,
		"aud":              g.clientID,
		"iss":              s.Issuer(),
		"token_use":        "id",
		"auth_time":        g.authTime.Unix(),
		"exp":              exp.Unix(),
		"iat":              now.Unix(),
		"jti":              newUUID(),
		"origin_jti":       g.family,
		"event_id":         eventID,
		"cognito:username": user.Username,
		"email_verified":   user.EmailVerified,
	}
	setIf(id, "nonce", g.nonce)
	setIf(id, "email", user.Email)
	setIf(id, "name", user.Name)
	setIf(id, "given_name", user.GivenName)
	setIf(id, "family_name", user.FamilyName)
	if len(user.Groups) > 0 {
		id["cognito:groups"] = user.Groups
	}
	for k, v := range user.Custom {
		id["custom:"+k] = v
	}

	s.mu.Lock()
	hook, tamperOn := s.idHook, s.tamperID
	s.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	idToken, err = keys.id.sign(id)
	if err != nil {
		return "", "", err
	}
	if tamperOn {
		idToken = tamper(idToken)
	}
	return idToken, accessToken, nil
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// newRefreshToken records a refresh token for g that ends at expires and
// returns its opaque handle: about 1.8 KB shaped like Cognito's JWE
// (five base64url parts), but random; only this server can map it to g.
func (s *Server) newRefreshToken(g grant, expires time.Time) string {
	handle := strings.Join([]string{jweHeader, randomToken(256), randomToken(12), randomToken(999), randomToken(16)}, ".")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[handle] = &refreshState{grant: g, expires: expires}
	return handle
}

// SetIDTokenHook installs h, which may change the claims of every id token
// before it is signed (for example a wrong aud or an expired exp). nil clears it.
func (s *Server) SetIDTokenHook(h func(claims map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idHook = h
}

// SetTamperIDToken makes every id token carry a corrupt signature while on.
func (s *Server) SetTamperIDToken(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamperID = on
}

// checkAccessToken verifies a Cognito access token for userInfo: signature,
// token_use, expiry and that its sign-in was not revoked. It returns the user.
func (s *Server) checkAccessToken(token string) (User, error) {
	claims, err := s.verifyJWT(token)
	if err != nil {
		return User{}, err
	}
	if claims["token_use"] != "access" || claims["iss"] != s.Issuer() {
		return User{}, fmt.Errorf("authtest: not an access token of this pool")
	}
	exp, _ := claims["exp"].(float64)
	if !s.now().Before(time.Unix(int64(exp), 0)) {
		return User{}, fmt.Errorf("authtest: access token expired")
	}
	family, _ := claims["origin_jti"].(string)
	username, _ := claims["username"].(string)
	s.mu.Lock()
	revoked := s.revoked[family]
	s.mu.Unlock()
	if revoked {
		return User{}, fmt.Errorf("authtest: access token revoked")
	}
	user, ok := s.users[strings.ToLower(username)]
	if !ok {
		return User{}, fmt.Errorf("authtest: unknown user")
	}
	return user, nil
}
