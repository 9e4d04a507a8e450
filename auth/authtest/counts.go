package authtest

import (
	"net/http"
	"strings"
)

// Counts is the number of requests the server received per endpoint kind,
// including requests answered by a Fault.
type Counts struct {
	Authorize            int // GET /oauth2/authorize (and /authorize)
	AuthorizeWithoutPKCE int // Authorize requests without code_challenge, which Cognito accepts
	Login                int // POST /login: sign-in, wrong password or cancel
	CodeGrant            int // /oauth2/token with grant_type=authorization_code
	CognitoRefresh       int // /oauth2/token with grant_type=refresh_token
	Revoke               int // /oauth2/revoke
	Logout               int // /logout
	UserInfo             int // /oauth2/userInfo
	AppToken             int // /platform/oauth/token with grant_type=client_credentials
	Provision            int // provisionByOpenIdToken, any site or idp
	PlatformRefresh      int // /platform/oauth/token with grant_type=refresh_token
	JWKS                 int // the signing keys (/<pool>/.well-known/jwks.json)
}

// Counts returns a snapshot of the request counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// count increments the counter for r's kind. It parses the form of token
// requests to tell the grants apart; handlers read the parsed form later.
func (s *Server) count(r *http.Request) {
	p := r.URL.Path
	grant := ""
	if p == "/oauth2/token" || p == "/platform/oauth/token" {
		_ = r.ParseForm()
		grant = r.PostForm.Get("grant_type")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.counts
	switch {
	case p == "/oauth2/authorize" || p == "/authorize":
		c.Authorize++
		if r.URL.Query().Get("code_challenge") == "" {
			c.AuthorizeWithoutPKCE++
		}
	case p == "/login" && r.Method == http.MethodPost:
		c.Login++
	case p == "/oauth2/token" && grant == "authorization_code":
		c.CodeGrant++
	case p == "/oauth2/token" && grant == "refresh_token":
		c.CognitoRefresh++
	case p == "/oauth2/revoke":
		c.Revoke++
	case p == "/logout":
		c.Logout++
	case p == "/oauth2/userInfo":
		c.UserInfo++
	case p == "/platform/oauth/token" && grant == "client_credentials":
		c.AppToken++
	case p == "/platform/oauth/token" && grant == "refresh_token":
		c.PlatformRefresh++
	case strings.HasPrefix(p, "/platform/rest/external/site/") && strings.HasSuffix(p, "/provisionByOpenIdToken"):
		c.Provision++
	case strings.HasSuffix(p, "/.well-known/jwks.json"):
		c.JWKS++
	}
}
