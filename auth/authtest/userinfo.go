package authtest

import (
	"net/http"
	"strconv"
	"strings"
)

// handleUserInfo returns the signed-in user's attributes for a Bearer access
// token. Like Cognito, email_verified is the string "true" or "false".
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "")
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "Access token is missing")
		return
	}
	user, err := s.checkAccessToken(token)
	if err != nil {
		s.log.Debug("authtest: userInfo rejected", "err", err)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "Access token is not valid")
		return
	}
	info := map[string]string{
		"sub":            user.Sub,
		"username":       user.Username,
		"email_verified": strconv.FormatBool(user.EmailVerified),
	}
	for k, v := range map[string]string{
		"email": user.Email, "name": user.Name, "given_name": user.GivenName, "family_name": user.FamilyName,
	} {
		if v != "" {
			info[k] = v
		}
	}
	for k, v := range user.Custom {
		info["custom:"+k] = v
	}
	writeJSON(w, http.StatusOK, info)
}
