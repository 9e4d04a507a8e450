package authtest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// pkceVerifier matches an RFC 7636 code_verifier.
var pkceVerifier = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`) })

// tokenResponse is the /oauth2/token success body.
type tokenResponse struct {
	IDToken      string `json:"id_token"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
}

// handleToken serves the authorization_code and refresh_token grants.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	client, ok := s.clientForm(w, r)
	if !ok {
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.codeGrant(w, r.PostForm, client)
	case "refresh_token":
		s.refreshGrant(w, r.PostForm, client)
	case "client_credentials", "password":
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", "")
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// clientForm checks that r is a form POST from a known app client and
// parses the form. On failure it answers r itself and returns false.
func (s *Server) clientForm(w http.ResponseWriter, r *http.Request) (Client, bool) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "")
		return Client{}, false
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return Client{}, false
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return Client{}, false
	}
	client, ok := s.authenticateClient(r)
	if !ok {
		s.log.Debug("authtest: client authentication failed", "path", r.URL.Path)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "")
		return Client{}, false
	}
	return client, true
}

// authenticateClient finds the client of a token or revoke request. A
// confidential client MUST authenticate with HTTP Basic or client_secret in
// the body; a public client sends only client_id.
func (s *Server) authenticateClient(r *http.Request) (Client, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(secret); err == nil {
			secret = u
		}
		if form := r.PostForm.Get("client_id"); form != "" && form != id {
			return Client{}, false
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	client, ok := s.clients[id]
	if !ok {
		return Client{}, false
	}
	if client.Secret == "" {
		return client, secret == ""
	}
	return client, subtle.ConstantTimeCompare([]byte(client.Secret), []byte(secret)) == 1
}

// codeGrant redeems an authorization code, once, with its PKCE verifier
// when the authorize request sent a challenge.
func (s *Server) codeGrant(w http.ResponseWriter, form url.Values, client Client) {
	code, verifier := form.Get("code"), form.Get("code_verifier")
	s.mu.Lock()
	ac, ok := s.codes[code]
	valid := ok && !ac.used && s.now().Before(ac.expires) && ac.clientID == client.ID
	if ok {
		ac.used = true // a code is spent by any attempt to redeem it
	}
	s.mu.Unlock()
	switch {
	case !valid:
		s.log.Debug("authtest: token: code unknown, used, expired or for another client")
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	case form.Get("redirect_uri") != ac.redirectURI:
		s.log.Debug("authtest: token: redirect_uri differs from authorize")
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	case ac.challenge == "" && verifier != "":
		// RFC 9700 section 2.1.1: a verifier for a code issued without a
		// challenge means the challenge was stripped on the way.
		s.log.Debug("authtest: token: code_verifier for a code issued without PKCE")
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	case ac.challenge != "" && !pkceVerifier().MatchString(verifier):
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	if ac.challenge != "" {
		sum := sha256.Sum256([]byte(verifier))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != ac.challenge {
			s.log.Debug("authtest: token: code_verifier does not match")
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
			return
		}
	}
	if attr := unreadableInScope(client, ac.scope); attr != "" {
		s.log.Debug("authtest: token: a granted scope carries an attribute the app client may not read", "attribute", attr)
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	g := grant{
		clientID: client.ID, username: ac.username, scope: ac.scope, nonce: ac.nonce,
		family: newUUID(), authTime: ac.authTime,
	}
	idToken, accessToken, err := s.mint(g)
	if err != nil {
		s.log.Error("authtest: token: mint", "err", err)
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	g.nonce = "" // refreshed id tokens carry no nonce
	refresh := s.newRefreshToken(g, s.now().Add(s.opts.RefreshTokenTTL))
	writeJSON(w, http.StatusOK, tokenResponse{
		IDToken: idToken, AccessToken: accessToken, RefreshToken: refresh,
		ExpiresIn: int(s.opts.AccessTokenTTL.Seconds()), TokenType: "Bearer",
	})
}

// refreshGrant issues new id and access tokens for a live refresh token and,
// with rotation on, a new refresh token that keeps the original's end.
func (s *Server) refreshGrant(w http.ResponseWriter, form url.Values, client Client) {
	handle := form.Get("refresh_token")
	now := s.now()
	s.mu.Lock()
	st, ok := s.refresh[handle]
	valid := ok && st.clientID == client.ID && now.Before(st.expires) && !s.revoked[st.family] &&
		(st.rotatedAt.IsZero() || !now.After(st.rotatedAt.Add(s.opts.RefreshGrace)))
	var g grant
	var expires = now
	if valid {
		g, expires = st.grant, st.expires
		if s.opts.RotateRefreshTokens && st.rotatedAt.IsZero() {
			st.rotatedAt = now
		}
	}
	s.mu.Unlock()
	if !valid {
		s.log.Debug("authtest: token: refresh token unknown, expired, revoked or rotated")
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	idToken, accessToken, err := s.mint(g)
	if err != nil {
		s.log.Error("authtest: token: mint", "err", err)
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	resp := tokenResponse{
		IDToken: idToken, AccessToken: accessToken,
		ExpiresIn: int(s.opts.AccessTokenTTL.Seconds()), TokenType: "Bearer",
	}
	if s.opts.RotateRefreshTokens {
		resp.RefreshToken = s.newRefreshToken(g, expires)
	}
	writeJSON(w, http.StatusOK, resp)
}

// scopeAttributes are the user attributes each scope carries.
var scopeAttributes = map[string][]string{
	"email":   {"email", "email_verified"},
	"profile": {"name", "given_name", "family_name", "preferred_username"},
	"phone":   {"phone_number", "phone_number_verified"},
}

// unreadableInScope is an attribute a granted scope carries that client
// may not read, or "".
func unreadableInScope(client Client, scope string) string {
	for _, sc := range strings.Fields(scope) {
		for _, attr := range scopeAttributes[sc] {
			if slices.Contains(client.Unreadable, attr) {
				return attr
			}
		}
	}
	return ""
}
