package authtest

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Reasons a provision request is refused; they stay inside the package logs.
var (
	errNotAllowed  = errors.New("authtest: user is not allowed")
	errInvalidOIDC = errors.New("authtest: openid token is not valid")
)

// handleProvision exchanges a Cognito id_token for platform tokens,
// provisioning the user just in time.
func (s *Server) handleProvision(w http.ResponseWriter, r *http.Request) {
	p := s.opts.Platform
	if r.PathValue("site") != p.SiteID || r.PathValue("idp") != p.IdP {
		writeOAuthError(w, http.StatusNotFound, "not_found", "Identity provider not found")
		return
	}
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	appID, ok := s.checkAppToken(r)
	if !ok {
		s.log.Debug("authtest: provision: missing or invalid app token")
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "Invalid access token")
		return
	}
	var body struct {
		OpenIDToken string `json:"openIdToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.OpenIDToken == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "openIdToken is required")
		return
	}
	claims, err := s.verifyIDToken(body.OpenIDToken)
	if err != nil {
		s.log.Debug("authtest: provision: id token rejected", "err", err)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "OpenId token is not valid")
		return
	}
	user, err := s.provision(claims)
	if err != nil {
		s.log.Debug("authtest: provision: refused", "err", err)
		writeOAuthError(w, http.StatusForbidden, "access_denied", "User is not allowed to sign in with this identity provider")
		return
	}
	s.log.Debug("authtest: provision: ok", "external_id", user.ExternalID, "access_right", user.AccessRight)
	writeJSON(w, http.StatusOK, s.platformTokens(appID, user.ExternalID, ""))
}

// checkAppToken checks the Bearer Client App token and its scope.
func (s *Server) checkAppToken(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		token, ok = strings.CutPrefix(r.Header.Get("Authorization"), "bearer ")
	}
	if !ok || token == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.platform.appTokens[token]
	if !ok || !s.now().Before(t.expires) {
		return "", false
	}
	return t.appID, true
}

// verifyIDToken checks an id_token as the platform does: signature against
// the pool's JWKS, issuer, expiry, token_use "id" and an audience that is one
// of the pool's app clients.
func (s *Server) verifyIDToken(token string) (map[string]any, error) {
	claims, err := s.verifyJWT(token)
	if err != nil {
		return nil, errors.Join(errInvalidOIDC, err)
	}
	if claims["iss"] != s.Issuer() {
		return nil, errors.Join(errInvalidOIDC, errors.New("authtest: wrong issuer"))
	}
	if claims["token_use"] != "id" {
		return nil, errors.Join(errInvalidOIDC, errors.New("authtest: token_use is not id"))
	}
	exp, ok := claims["exp"].(float64)
	if !ok || !s.now().Before(time.Unix(int64(exp), 0)) {
		return nil, errors.Join(errInvalidOIDC, errors.New("authtest: expired"))
	}
	known := false
	for _, aud := range claimValues(claims["aud"]) {
		_, found := s.clients[aud]
		known = known || found
	}
	if !known {
		return nil, errors.Join(errInvalidOIDC, errors.New("authtest: audience is not a client of this pool"))
	}
	return claims, nil
}

// provision creates or updates the platform user for verified id_token claims.
func (s *Server) provision(claims map[string]any) (PlatformUser, error) {
	p := s.opts.Platform
	externalID, _ := claims[p.ExternalIDClaim].(string)
	if externalID == "" {
		return PlatformUser{}, errors.Join(errNotAllowed, errors.New("authtest: external id claim missing"))
	}
	if len(p.AllowedDomains) > 0 {
		email, _ := claims["email"].(string)
		_, domain, _ := strings.Cut(email, "@")
		if !slices.ContainsFunc(p.AllowedDomains, func(d string) bool { return strings.EqualFold(strings.TrimSpace(d), domain) }) {
			return PlatformUser{}, errors.Join(errNotAllowed, errors.New("authtest: email domain not allowed"))
		}
	}
	attrs := map[string]string{}
	for claim, field := range p.AttributeMapping {
		if v, ok := claims[claim].(string); ok {
			attrs[field] = v
		}
	}
	right := s.mapping.accessRight(claimValues(claims[p.AccessRightClaim]), p.DefaultAccessRight)
	groups := s.mapping.groupsFor(claimValues(claims[p.GroupClaim]), p.DefaultGroups)

	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.platform.users[externalID]
	if !ok {
		u = &PlatformUser{ExternalID: externalID}
		s.platform.users[externalID] = u
	}
	u.Attributes, u.AccessRight, u.Groups = attrs, right, groups
	u.Logins++
	return copyUser(u), nil
}

// ProvisionedUsers returns copies of the provisioned users, by external id.
func (s *Server) ProvisionedUsers() []PlatformUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]PlatformUser, 0, len(s.platform.users))
	for _, id := range slices.Sorted(maps.Keys(s.platform.users)) {
		out = append(out, copyUser(s.platform.users[id]))
	}
	return out
}

func copyUser(u *PlatformUser) PlatformUser {
	c := *u
	c.Attributes = maps.Clone(u.Attributes)
	c.Groups = slices.Clone(u.Groups)
	return c
}
