package auth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// userInfoTimeout bounds the optional userinfo call.
const userInfoTimeout = 10 * time.Second

// addUserInfo fills the display claims (email, name) that some providers
// leave out of the id_token, from the UserInfo endpoint (OIDC Core section
// 5.3), fetched with the access token the provider just issued. It is for
// showing who signed in, nothing more: best effort (the sign-in never fails
// because of it), a response for another subject is ignored (section
// 5.3.2), and email_verified is never taken from it.
func (f *Flow) addUserInfo(ctx context.Context, m *Metadata, accessToken string, c *Claims) {
	if (c.Email != "" && c.Name != "") || m.UserInfoEndpoint == "" || accessToken == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, userInfoTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.UserInfoEndpoint, nil)
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient(f.HTTP).Do(req)
	if err != nil {
		logger(f.Logger).Debug("userinfo unavailable", "err", err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil || resp.StatusCode != http.StatusOK {
		logger(f.Logger).Debug("userinfo unavailable", "status", resp.StatusCode)
		return
	}
	var u struct {
		Sub   string `json:"sub"`
		Email string `json:"email"`
		Name  string `json:"name"`
	}
	if json.Unmarshal(body, &u) != nil || u.Sub != c.Subject {
		return
	}
	// Display only: EmailVerified stays what the signed id_token said.
	if c.Email == "" {
		c.Email = sanitize.Text(u.Email)
	}
	if c.Name == "" {
		c.Name = sanitize.Text(u.Name)
	}
}
