package authtest

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// codeTTL is how long an authorization code can be redeemed (Cognito: 5 minutes).
const codeTTL = 5 * time.Minute

// pkceChallenge matches an S256 code_challenge: 32 bytes, base64url, no padding.
// PKCE is optional at Cognito: a request without code_challenge gets a code
// that is redeemed without code_verifier (Counts.AuthorizeWithoutPKCE counts them).
var pkceChallenge = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`) })

// authRequest is a validated /oauth2/authorize (or /login) request.
type authRequest struct {
	client      Client
	redirectURI string
	state       string
	nonce       string
	scope       string
	challenge   string
	prompt      string
}

// authCode is an issued authorization code and what it grants.
type authCode struct {
	clientID    string
	redirectURI string
	challenge   string
	nonce       string
	scope       string
	username    string
	authTime    time.Time
	expires     time.Time
	used        bool
}

// handleAuthorize validates the request and sends the browser either to the
// login page or, when the browser is still signed in there, straight back with a code.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeErrorPage(w, http.StatusMethodNotAllowed, "")
		return
	}
	req, ok := s.parseAuthRequest(w, r.URL.Query())
	if !ok {
		return
	}
	if req.prompt != "login" {
		if sess := s.browserLoginOf(r); sess != nil {
			s.log.Debug("authtest: authorize: browser still signed in")
			s.redirectWithCode(w, req, sess.username, sess.authTime)
			return
		}
	}
	if req.prompt == "none" {
		s.redirectError(w, req, "login_required", "")
		return
	}
	w.Header().Set("Location", "/login?"+r.URL.RawQuery)
	w.WriteHeader(http.StatusFound)
}

// parseAuthRequest validates q like Cognito. It never redirects to a URL
// the app client has not registered: a missing or unknown client id and a
// redirect_uri that is not one of the client's callback URLs send the
// browser to the hosted UI's error page (see errorPageRedirect). Other
// mistakes go back to the callback with an OAuth error. It reports whether
// the request is valid; if not, the response has been written.
func (s *Server) parseAuthRequest(w http.ResponseWriter, q url.Values) (*authRequest, bool) {
	clientID := q.Get("client_id")
	if clientID == "" {
		s.errorPageRedirect(w, "Required parameters missing", "")
		return nil, false
	}
	client, ok := s.clients[clientID]
	if !ok {
		s.errorPageRedirect(w, "invalid_request", clientID)
		return nil, false
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(client.CallbackURLs, redirectURI) || !allowedRedirect(redirectURI) {
		s.errorPageRedirect(w, "redirect_mismatch", clientID)
		return nil, false
	}
	req := &authRequest{
		client:      client,
		redirectURI: redirectURI,
		state:       q.Get("state"),
		nonce:       q.Get("nonce"),
		challenge:   q.Get("code_challenge"),
		prompt:      q.Get("prompt"),
	}
	if q.Get("response_type") != "code" {
		s.redirectError(w, req, "unsupported_response_type", "")
		return nil, false
	}
	scopes := strings.Fields(q.Get("scope"))
	if !slices.Contains(scopes, "openid") {
		s.redirectError(w, req, "invalid_scope", "openid scope is required")
		return nil, false
	}
	var granted []string
	for _, sc := range scopes {
		if !slices.Contains(client.Scopes, sc) {
			// Cognito names the problem only in the description.
			s.redirectError(w, req, "invalid_request", "invalid_scope")
			return nil, false
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	req.scope = strings.Join(granted, " ")
	method := q.Get("code_challenge_method")
	if (req.challenge != "" || method != "") && (method != "S256" || !pkceChallenge().MatchString(req.challenge)) {
		// PKCE is optional, as in Cognito; a request that uses it MUST use S256.
		s.redirectError(w, req, "invalid_request", "code_challenge with code_challenge_method S256 is required")
		return nil, false
	}
	return req, true
}

// errorPageRedirect sends the browser to the hosted UI's error page,
// <URL>/error?error=<code>&client_id=<id>, as Cognito does for a request
// it must not send back to the app (client_id is left out when empty).
func (s *Server) errorPageRedirect(w http.ResponseWriter, code, clientID string) {
	s.log.Debug("authtest: authorize: error page", "error", code)
	params := url.Values{"error": {code}}
	if clientID != "" {
		params.Set("client_id", clientID)
	}
	redirectWith(w, s.URL()+"/error", params)
}

// handleErrorPage serves /error: 400 and a page naming the error.
func (s *Server) handleErrorPage(w http.ResponseWriter, r *http.Request) {
	writeErrorPage(w, http.StatusBadRequest, r.URL.Query().Get("error"))
}

// redirectError sends the browser to the callback with an OAuth error.
func (s *Server) redirectError(w http.ResponseWriter, req *authRequest, code, description string) {
	s.log.Debug("authtest: authorize rejected", "error", code)
	redirectWith(w, req.redirectURI, s.callbackParams(url.Values{
		"error":             {code},
		"error_description": {description},
		"state":             {req.state},
	}))
}

// redirectWithCode issues a code for username and sends the browser to the callback.
func (s *Server) redirectWithCode(w http.ResponseWriter, req *authRequest, username string, authTime time.Time) {
	code := newUUID()
	s.mu.Lock()
	s.codes[code] = &authCode{
		clientID:    req.client.ID,
		redirectURI: req.redirectURI,
		challenge:   req.challenge,
		nonce:       req.nonce,
		scope:       req.scope,
		username:    username,
		authTime:    authTime,
		expires:     s.now().Add(codeTTL),
	}
	s.mu.Unlock()
	redirectWith(w, req.redirectURI, s.callbackParams(url.Values{"code": {code}, "state": {req.state}}))
}

// callbackParams adds iss (RFC 9207) when Options.SendIssParam is set.
func (s *Server) callbackParams(v url.Values) url.Values {
	if s.opts.SendIssParam {
		v.Set("iss", s.Issuer())
	}
	return v
}
