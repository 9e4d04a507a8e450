package authtest

import (
	"encoding/json"
	"net/http"
)

// handleDiscovery serves the OpenID configuration the way Cognito does:
// without code_challenge_methods_supported, although it accepts PKCE S256
// (and only S256).
func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	base := s.URL()
	doc := map[string]any{
		"issuer":                                s.Issuer(),
		"authorization_endpoint":                base + "/oauth2/authorize",
		"token_endpoint":                        base + "/oauth2/token",
		"userinfo_endpoint":                     base + "/oauth2/userInfo",
		"revocation_endpoint":                   base + "/oauth2/revoke",
		"end_session_endpoint":                  base + "/logout",
		"jwks_uri":                              s.Issuer() + "/.well-known/jwks.json",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "phone", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	}
	s.mu.Lock()
	hook := s.discoveryHook
	s.mu.Unlock()
	if hook != nil {
		hook(doc)
	}
	writeJSON(w, http.StatusOK, doc)
}

// handleJWKS serves the public signing keys: the current one first.
func (s *Server) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	set := s.publicSetLocked()
	s.mu.Unlock()
	body, err := json.Marshal(set)
	if err != nil {
		s.log.Error("authtest: encode jwks", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_, _ = w.Write(body)
}
