package authtest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// appTokenTTL is the lifetime of a Client App token (Encodify answers 43199s).
const appTokenTTL = 43199 * time.Second

// platformState holds the platform's tokens and users; guarded by Server.mu.
type platformState struct {
	appTokens map[string]appToken
	access    map[string]platformGrant // access token -> grant
	refresh   map[string]platformGrant // refresh token -> grant
	users     map[string]*PlatformUser // external id -> user
}

// appToken is a client_credentials token of a Client App.
type appToken struct {
	appID   string
	expires time.Time
}

// platformGrant is what a platform access or refresh token stands for.
type platformGrant struct {
	appID      string
	externalID string
	expires    time.Time
}

func newPlatformState() platformState {
	return platformState{
		appTokens: map[string]appToken{},
		access:    map[string]platformGrant{},
		refresh:   map[string]platformGrant{},
		users:     map[string]*PlatformUser{},
	}
}

// ProvisionPath returns the provisioning path,
// "/platform/rest/external/site/<id>/idp/<idp>/provisionByOpenIdToken".
func (s *Server) ProvisionPath() string {
	p := s.opts.Platform
	return "/platform/rest/external/site/" + url.PathEscape(p.SiteID) + "/idp/" + url.PathEscape(p.IdP) + "/provisionByOpenIdToken"
}

// appScope is the scope of a Client App token.
func (s *Server) appScope() string {
	return "site_" + s.opts.Platform.SiteID + "_provisionByOpenIdToken_" + s.opts.Platform.IdP
}

// handlePlatformToken serves client_credentials (Client App token) and
// refresh_token (platform user token) grants.
func (s *Server) handlePlatformToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	app, ok := s.authenticateApp(r)
	if !ok {
		s.log.Debug("authtest: platform token: bad client credentials")
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Bad client credentials")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		token := newUUID()
		s.mu.Lock()
		s.platform.appTokens[token] = appToken{appID: app.ID, expires: s.now().Add(appTokenTTL)}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": token,
			"token_type":   "bearer",
			"expires_in":   int(appTokenTTL.Seconds()),
			"scope":        s.appScope(),
			"jti":          newUUID(),
		})
	case "refresh_token":
		s.platformRefresh(w, r.PostForm.Get("refresh_token"), app)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
	}
}

// authenticateApp checks Client App credentials from HTTP Basic or the form.
func (s *Server) authenticateApp(r *http.Request) (PlatformApp, bool) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	for _, a := range s.opts.Platform.Apps {
		if a.ID == id {
			return a, subtle.ConstantTimeCompare([]byte(a.Secret), []byte(secret)) == 1
		}
	}
	return PlatformApp{}, false
}

// platformRefresh issues a new platform access token for a live refresh token
// of the same app; the refresh token itself is reused, as Spring OAuth does.
func (s *Server) platformRefresh(w http.ResponseWriter, refresh string, app PlatformApp) {
	s.mu.Lock()
	g, ok := s.platform.refresh[refresh]
	ok = ok && g.appID == app.ID && s.now().Before(g.expires)
	s.mu.Unlock()
	if !ok {
		s.log.Debug("authtest: platform refresh: invalid refresh token")
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
		return
	}
	writeJSON(w, http.StatusOK, s.platformTokens(app.ID, g.externalID, refresh))
}

// platformTokens mints a platform access token (and a refresh token when
// refresh is empty) for externalID and returns the response body.
func (s *Server) platformTokens(appID, externalID, refresh string) map[string]any {
	now := s.now()
	access := newUUID()
	s.mu.Lock()
	s.platform.access[access] = platformGrant{appID: appID, externalID: externalID, expires: now.Add(s.opts.Platform.AccessTokenTTL)}
	if refresh == "" {
		refresh = newUUID()
		s.platform.refresh[refresh] = platformGrant{appID: appID, externalID: externalID, expires: now.Add(s.opts.Platform.RefreshTokenTTL)}
	}
	s.mu.Unlock()
	return map[string]any{
		"access_token":  access,
		"refresh_token": refresh,
		"token_type":    "bearer",
		"scope":         "site_" + s.opts.Platform.SiteID + "_internalApi",
		"expires_in":    int(s.opts.Platform.AccessTokenTTL.Seconds()),
		"jti":           newUUID(),
	}
}
