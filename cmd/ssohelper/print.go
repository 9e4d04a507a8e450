package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// printSession tells a person who is signed in. It prints no token.
func printSignIn(w io.Writer, s *auth.SignIn, now time.Time) {
	c := displayClaims(s.Claims)
	fmt.Fprintf(w, "Signed in as %s", c.DisplayName())
	if c.Email != "" && c.Email != c.DisplayName() {
		fmt.Fprintf(w, " <%s>", c.Email)
	}
	fmt.Fprintf(w, " (profile %s)\n", s.Profile)
	if len(c.Groups) > 0 {
		fmt.Fprintf(w, "  groups:       %s\n", strings.Join(c.Groups, ", "))
	}
	if s.Platform != nil {
		fmt.Fprintf(w, "  platform:     scope %s, token valid until %s\n", sanitize.Text(s.Platform.Scope), when(s.Platform.Expiry, now))
	} else {
		fmt.Fprintln(w, "  platform:     none (the identity provider's tokens are handed out)")
	}
	fmt.Fprintf(w, "  id token:     valid until %s\n", when(s.Claims.Expiry, now))
	fmt.Fprintf(w, "  access token: valid until %s\n", when(s.Expiry, now))
	if s.RefreshToken == "" {
		fmt.Fprintln(w, "  no refresh token: you will need to sign in again when it expires")
	}
}

func when(t, now time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return fmt.Sprintf("%s (in %s)", t.Local().Format("2006-01-02 15:04 MST"), t.Sub(now).Round(time.Minute))
}

// displayClaims returns c with what users can set themselves (name,
// email, groups) through the one sanitiser. Claims are sanitised when a
// token is read; this also covers sign-ins saved by older versions.
func displayClaims(c auth.Claims) auth.Claims {
	c.Name, c.Username, c.Email, c.Subject = sanitize.Text(c.Name), sanitize.Text(c.Username), sanitize.Text(c.Email), sanitize.Text(c.Subject)
	groups := make([]string, len(c.Groups))
	for i, g := range c.Groups {
		groups[i] = sanitize.Text(g)
	}
	c.Groups = groups
	return c
}
