package auth

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
	"github.com/ssohelper/ssohelper/auth/session"
)

// Claims is what ssohelper reads from a verified id_token; see
// [session.Claims].
type Claims = session.Claims

// rawClaims mirrors the JSON of Cognito and generic OIDC id_tokens.
type rawClaims struct {
	Iss             string          `json:"iss"`
	Sub             string          `json:"sub"`
	Aud             json.RawMessage `json:"aud"`
	Azp             string          `json:"azp"`
	TokenUse        string          `json:"token_use"`
	Nonce           string          `json:"nonce"`
	CognitoUsername string          `json:"cognito:username"`
	PreferredUser   string          `json:"preferred_username"`
	Name            string          `json:"name"`
	GivenName       string          `json:"given_name"`
	FamilyName      string          `json:"family_name"`
	Email           string          `json:"email"`
	EmailVerified   json.RawMessage `json:"email_verified"`
	CognitoGroups   []string        `json:"cognito:groups"`
	Groups          []string        `json:"groups"`
	Iat             float64         `json:"iat"`
	Exp             float64         `json:"exp"`
	AuthTime        float64         `json:"auth_time"`
}

func parseClaims(payload []byte) (*Claims, error) {
	var r rawClaims
	if err := json.Unmarshal(payload, &r); err != nil {
		return nil, err
	}
	var all map[string]any
	if err := json.Unmarshal(payload, &all); err != nil {
		return nil, err
	}
	// The fields people read are sanitised here, once: a user can set
	// their own name, and nothing that reaches a screen may steer it.
	// Identifiers (iss, sub, aud) are compared, never shown raw.
	c := &Claims{
		Issuer: r.Iss, Subject: r.Sub, TokenUse: r.TokenUse, Nonce: r.Nonce, AuthorizedParty: r.Azp,
		Username: sanitize.Text(first(r.CognitoUsername, r.PreferredUser)), Email: sanitize.Text(r.Email),
		Name:     sanitize.Text(first(r.Name, strings.TrimSpace(r.GivenName+" "+r.FamilyName))),
		Groups:   r.CognitoGroups,
		IssuedAt: unix(r.Iat), Expiry: unix(r.Exp), AuthTime: unix(r.AuthTime),
	}
	if c.Groups == nil {
		c.Groups = r.Groups
	}
	for i, g := range c.Groups {
		c.Groups[i] = sanitize.Text(g)
	}
	aud, err := parseAudience(r.Aud)
	if err != nil {
		return nil, err
	}
	c.Audience = aud
	// Cognito has sent email_verified both as a boolean and as a string.
	c.EmailVerified = string(r.EmailVerified) == "true" || string(r.EmailVerified) == `"true"`
	for k, v := range all {
		name, ok := strings.CutPrefix(k, "custom:")
		if !ok {
			continue
		}
		if c.Custom == nil {
			c.Custom = map[string]string{}
		}
		c.Custom[sanitize.Text(name)] = sanitize.Text(fmt.Sprint(v))
	}
	sort.Strings(c.Groups)
	return c, nil
}

func parseAudience(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("aud: %w", err)
	}
	return many, nil
}

func unix(f float64) time.Time {
	if f == 0 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
