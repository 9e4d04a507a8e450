package authtest

import (
	"net/http"
	"slices"
	"strings"
)

// handleRevoke revokes a refresh token and every token its sign-in issued
// (RFC 7009; Cognito accepts only refresh tokens here).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	client, ok := s.clientForm(w, r)
	if !ok {
		return
	}
	if client.NoRevocation {
		s.log.Debug("authtest: revoke: token revocation is off for this app client")
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	if strings.Count(token, ".") == 2 {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_token_type", "")
		return
	}
	s.mu.Lock()
	st, known := s.refresh[token]
	wrongClient := known && st.clientID != client.ID
	if known && !wrongClient {
		s.revoked[st.family] = true
	}
	s.mu.Unlock()
	if wrongClient {
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", "")
		return
	}
	// Unknown tokens are not an error (RFC 7009 section 2.2).
	s.log.Debug("authtest: revoke", "known", known)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// handleLogout forgets the browser's hosted UI sign-in and redirects to a registered
// sign-out URL; anything else gets the error page.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	client, ok := s.clients[q.Get("client_id")]
	logoutURI := q.Get("logout_uri")
	if !ok || !slices.Contains(client.LogoutURLs, logoutURI) {
		s.log.Debug("authtest: logout rejected: unknown client or logout_uri")
		writeErrorPage(w, http.StatusBadRequest, "")
		return
	}
	s.forgetBrowser(w, r)
	w.Header().Set("Location", logoutURI)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}
