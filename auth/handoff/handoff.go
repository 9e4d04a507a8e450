// Package handoff is what ssohelper hands to tools and plugins: a token
// with its type, expiry, profile, user and scope, and the formats tools
// read it in (`token --format`, `exec`, and the plugin bridge's JSON).
package handoff

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth/session"
)

// Which token of a sign-in to hand out.
type Which int

const (
	// Default: the platform's access token, or the provider's access
	// token for platform kind "none".
	Default Which = iota
	// IDToken: the provider's id_token.
	IDToken
)

// Token is one token for a tool, as the JSON format gives it.
type Token struct {
	Token   string    `json:"token"`
	Type    string    `json:"type"`             // "Bearer"
	Kind    string    `json:"kind"`             // "platform", "access" or "id"
	Expiry  time.Time `json:"expiry"`           // RFC 3339
	Profile string    `json:"profile"`          // the ssohelper profile
	User    string    `json:"user"`             // email, else display name
	Scope   string    `json:"scope,omitempty"`  // the platform token's scope
	Issuer  string    `json:"issuer,omitempty"` // the provider
}

// From picks which token of s.
func From(s *session.SignIn, which Which) Token {
	t := Token{Type: "Bearer", Profile: s.Profile, User: s.Claims.Email, Issuer: s.Issuer}
	if t.User == "" {
		t.User = s.Claims.DisplayName()
	}
	switch {
	case which == IDToken:
		t.Token, t.Kind, t.Expiry = s.IDToken, "id", s.Expiry
	case s.Platform != nil:
		t.Token, t.Kind, t.Expiry, t.Scope = s.Platform.AccessToken, "platform", s.Platform.Expiry, s.Platform.Scope
	default:
		t.Token, t.Kind, t.Expiry = s.AccessToken, "access", s.Expiry
	}
	t.Expiry = t.Expiry.UTC().Truncate(time.Second)
	return t
}

// The formats of Write.
const (
	FormatRaw    = "raw"    // the token and a newline
	FormatJSON   = "json"   // Token as one JSON object
	FormatHeader = "header" // "Authorization: Bearer …"
	FormatEnv    = "env"    // export NAME=… lines for a POSIX shell
)

// Formats lists the formats Write knows, for help and errors.
var Formats = []string{FormatRaw, FormatJSON, FormatHeader, FormatEnv}

// ErrFormat is an unknown format name.
var ErrFormat = errors.New("unknown format")

// DefaultEnv is the environment variable that carries the token (env
// format, exec); NAME_EXPIRY, NAME_PROFILE and NAME_USER come with it in
// the env format.
const DefaultEnv = "SSOHELPER_TOKEN"

// Write writes t to w in format; env names the variable of the env format.
func Write(w io.Writer, t Token, format, env string) error {
	var err error
	switch format {
	case FormatRaw, "":
		_, err = fmt.Fprintln(w, t.Token)
	case FormatJSON:
		err = json.NewEncoder(w).Encode(t)
	case FormatHeader:
		_, err = fmt.Fprintf(w, "Authorization: %s %s\n", t.Type, t.Token)
	case FormatEnv:
		if env == "" {
			env = DefaultEnv
		}
		_, err = fmt.Fprintf(w, "export %s=%s\nexport %s_EXPIRY=%s\nexport %s_PROFILE=%s\nexport %s_USER=%s\n",
			env, shellQuote(t.Token), env, shellQuote(t.Expiry.Format(time.RFC3339)),
			env, shellQuote(t.Profile), env, shellQuote(t.User))
	default:
		return fmt.Errorf("%w %q: choose one of %s", ErrFormat, format, strings.Join(Formats, ", "))
	}
	return err
}

// shellQuote quotes s for a POSIX shell: single quotes, with ' as '\”.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// CheckEnvName checks an environment variable name: letters, digits and
// '_', not starting with a digit.
func CheckEnvName(name string) error {
	if name == "" {
		return errors.New("the environment variable name is empty")
	}
	for i, r := range name {
		ok := r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || i > 0 && '0' <= r && r <= '9'
		if !ok {
			return fmt.Errorf("%q is not an environment variable name: use letters, digits and _, not starting with a digit", name)
		}
	}
	return nil
}
