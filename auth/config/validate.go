package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ErrInvalid is wrapped by every error about the file's content: syntax, unknown keys
// and failed validation.
var ErrInvalid = errors.New("invalid config")

// Problem is one thing wrong with a configuration, with what to do about it.
type Problem struct {
	// Profile is the profile at fault, or "" for file-level problems.
	Profile string
	// Line is the 1-based line in the file, or 0 when unknown.
	Line int
	// Field is the TOML key at fault, relative to the profile (e.g. "platform.site_id").
	Field string
	// Message says what is wrong and what to do, separated by "; ".
	Message string
}

// String renders the problem as "profile work: field: what is wrong; what to do".
func (p Problem) String() string {
	var b strings.Builder
	if p.Profile != "" {
		fmt.Fprintf(&b, "profile %s: ", p.Profile)
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in a configuration.
type ValidationError struct {
	Problems []Problem
}

// maxListed bounds how many problems Error lists: a hostile file with a
// problem per entry of a huge array must not make a message of megabytes.
const maxListed = 20

// Error lists the problems, one per line when there are several, at most
// maxListed of them.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid config: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid config: %d problems:", len(e.Problems))
	for _, p := range e.Problems[:min(len(e.Problems), maxListed)] {
		b.WriteString("\n  - " + p.String())
	}
	if n := len(e.Problems) - maxListed; n > 0 {
		fmt.Fprintf(&b, "\n  - and %d more", n)
	}
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// The simple shapes below are checked byte by byte: compiling a regular
// expression (a millisecond for one with a counted repetition) would cost
// every command, `token` included, more than the rest of its checks.

// isRegion is the shape of an AWS region, `[a-z]{2}(-gov)?-[a-z]+-\d`:
// eu-west-1, us-gov-west-1.
func isRegion(s string) bool {
	if len(s) < 2 || !isLower(s[0]) || !isLower(s[1]) {
		return false
	}
	rest := s[2:]
	return regionTail(rest) || strings.HasPrefix(rest, "-gov") && regionTail(rest[4:])
}

// regionTail is `-[a-z]+-\d`.
func regionTail(s string) bool {
	n := len(s)
	if n < 4 || s[0] != '-' || s[n-2] != '-' || !isDigit(s[n-1]) {
		return false
	}
	return allBytes(s[1:n-2], 1, n, isLower)
}

// isPoolID is the shape of a user pool id, `REGION_[A-Za-z0-9]+`:
// eu-west-1_AbC123.
func isPoolID(s string) bool {
	region, id, ok := strings.Cut(s, "_")
	return ok && isRegion(region) && latinAlnum(id)
}

// cognitoRegion returns the region of a Cognito user pool host,
// cognito-idp.REGION.amazonaws.com (or .amazonaws.com.cn), and whether
// host is one.
func cognitoRegion(host string) (string, bool) {
	rest, ok := strings.CutPrefix(host, "cognito-idp.")
	if !ok {
		return "", false
	}
	if r, ok := strings.CutSuffix(rest, ".amazonaws.com.cn"); ok {
		rest = r
	} else if rest, ok = strings.CutSuffix(rest, ".amazonaws.com"); !ok {
		return "", false
	}
	return rest, isRegion(rest)
}

// cognitoClientID is what Cognito's API accepts: 1 to 128 letters,
// digits, '_' and '+'.
func cognitoClientID(s string) bool {
	return allBytes(s, 1, 128, func(b byte) bool { return isAlnum(b) || b == '_' || b == '+' })
}

// usualClientID is what Cognito generates today: 26 lowercase letters and digits.
func usualClientID(s string) bool {
	return len(s) == 26 && allBytes(s, 26, 26, func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' })
}

// profileName keeps "session/<name>" and "secret/<name>/platform" valid
// store entry names (see keystore): 1 to 64 ASCII letters, digits, '-',
// '_' and '.', not starting with '.'.
func profileName(s string) bool {
	return s != "" && s[0] != '.' && allBytes(s, 1, 64, func(b byte) bool { return isAlnum(b) || b == '.' || b == '_' || b == '-' })
}

// claimName is a claim as an id_token names it: a letter, then up to 63
// letters, digits, '_', ':', '.' and '-'.
func claimName(s string) bool {
	return s != "" && isAlpha(s[0]) && allBytes(s, 1, 64, func(b byte) bool { return isAlnum(b) || strings.IndexByte("_:.-", b) >= 0 })
}

// digits is one or more ASCII digits; latinAlnum one or more ASCII
// letters and digits.
func digits(s string) bool {
	return allBytes(s, 1, len(s), func(b byte) bool { return b >= '0' && b <= '9' })
}
func latinAlnum(s string) bool { return allBytes(s, 1, len(s), isAlnum) }

// allBytes reports whether s has min to max bytes, each accepted by ok.
func allBytes(s string, min, max int, ok func(byte) bool) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isAlpha(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func isAlnum(b byte) bool { return isAlpha(b) || isDigit(b) }
func isLower(b byte) bool { return b >= 'a' && b <= 'z' }
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// checker collects the problems of one profile.
type checker struct {
	profile  string
	problems []Problem
}

func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Profile: c.profile, Field: field, Message: fmt.Sprintf(format, args...)})
}

// CheckProfileName says what is wrong with a profile name, or "" when it is
// valid: 1 to 64 ASCII letters, digits, '-', '_' and '.', not starting with
// '.', without "..".
func CheckProfileName(name string) string {
	if !profileName(name) || strings.Contains(name, "..") {
		return "the profile name must be 1 to 64 ASCII letters, digits, '-', '_' and '.' (not first, no \"..\"); rename the [profiles.<name>] table"
	}
	return ""
}

// quoteName quotes a profile name for a message, shortened and with
// anything unprintable escaped.
func quoteName(name string) string {
	if len(name) > 40 {
		name = name[:40] + "..."
	}
	return strconv.Quote(name)
}

// Warnings lists what is allowed but probably a mistake in p (after
// WithDefaults); a command shows them and goes on.
func (p Profile) Warnings() []Problem {
	var w []Problem
	if p.IsCognito() && cognitoClientID(p.ClientID) && !usualClientID(p.ClientID) {
		w = append(w, Problem{Profile: p.Name, Field: "client_id",
			Message: fmt.Sprintf("%q is not the usual 26 lowercase letters and digits of a Cognito app client id; check you copied the whole id", p.ClientID)})
	}
	return w
}

// Validate checks p (after WithDefaults) and returns a *ValidationError listing every
// problem, or nil.
func (p Profile) Validate() error {
	c := &checker{profile: p.Name}
	if c.profile == "" {
		c.profile = "(unnamed)"
	}
	if msg := CheckProfileName(p.Name); p.Name != "" && msg != "" {
		c.profile = quoteName(p.Name)
		c.add("", "%s", msg)
	}
	c.checkProvider(p)
	c.checkClient(p)
	c.checkRedirect(p)
	c.checkEndpoints(p.Endpoints)
	c.checkPlatform(p.Platform)
	c.checkFleet(p)
	c.checkValues(p)
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: c.problems}
}

func (c *checker) checkProvider(p Profile) {
	switch {
	case p.UserPoolID == "" && p.Issuer == "":
		c.add("user_pool_id", `neither user_pool_id nor issuer is set; set user_pool_id = "<region>_<id>" for Cognito, or issuer = "https://..." for another OpenID Connect provider`)
	case p.UserPoolID != "" && p.Issuer != "":
		c.add("issuer", "user_pool_id and issuer are both set; keep one (the Cognito issuer is derived from user_pool_id)")
	}
	if p.UserPoolID != "" && !isPoolID(p.UserPoolID) {
		c.add("user_pool_id", `%q is not a Cognito user pool id; copy it from the Cognito console, it looks like "eu-west-1_AbC123"`, p.UserPoolID)
	}
	if p.Region != "" {
		prefix, _, _ := strings.Cut(p.UserPoolID, "_")
		switch {
		case !isRegion(p.Region):
			c.add("region", `%q is not an AWS region; write it like "eu-west-1", or remove it to derive it from user_pool_id`, p.Region)
		case p.UserPoolID != "" && p.Region != prefix:
			c.add("region", "%q does not match the user pool's region %q; remove region or fix it to %q", p.Region, prefix, prefix)
		}
	}
	if p.Issuer != "" {
		c.checkURL("issuer", p.Issuer)
		// Some providers' issuers end with "/" (Auth0's do) and must be
		// written so; Cognito's never do.
		region, cognito := cognitoRegion(hostOf(p.Issuer))
		if strings.HasSuffix(p.Issuer, "/") && cognito {
			c.add("issuer", "ends with \"/\"; a Cognito issuer has none: remove it, the issuer must match the token's iss claim exactly")
		}
		if cognito && p.Region != "" && p.Region != region {
			c.add("region", "%q does not match the issuer's region %q; remove region or fix it", p.Region, region)
		}
	}
}

func (c *checker) checkClient(p Profile) {
	switch {
	case p.ClientID == "":
		c.add("client_id", "is empty; copy the app client id from your identity provider")
	case p.IsCognito() && !cognitoClientID(p.ClientID):
		c.add("client_id", "%q is not a Cognito app client id; it has 1 to 128 letters, digits, '_' and '+', usually 26 (App integration > App clients)", p.ClientID)
	}
	if !slices.Contains(p.Scopes, "openid") {
		c.add("scopes", `does not include "openid"; add it, sign-in needs an id_token`)
	}
	for _, s := range p.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\n") {
			c.add("scopes", "%q is not a single scope; write each scope as its own list entry", s)
		}
	}
	if d := p.LoginTimeout.Duration; d < 10*time.Second || d > time.Hour {
		c.add("login_timeout", "%s is out of range; use a value from \"10s\" to \"1h\" (default \"5m\")", d)
	}
	if d := p.WarnBefore.Duration; d != 0 && (d < time.Hour || d > 720*time.Hour) {
		c.add("warn_before", "%s is out of range; use a value from \"1h\" to \"720h\" (default \"24h\")", d)
	}
	if d := p.SessionLifetime.Duration; d != 0 && d < time.Hour || d > 3650*24*time.Hour {
		c.add("session_lifetime", "%s is out of range; use your app client's refresh token expiration, from \"1h\" to \"87600h\" (default \"720h\", 30 days)", d)
	}
}

func (c *checker) checkRedirect(p Profile) {
	if n := len(p.RedirectPorts); n < 1 || n > 5 {
		c.add("redirect_ports", "has %d entries; list 1 to 5 ports, each registered as a callback URL", n)
	}
	seen := map[int]bool{}
	for _, port := range p.RedirectPorts {
		if port < 1024 || port > 65535 {
			c.add("redirect_ports", "%d is out of range; use ports from 1024 to 65535", port)
		}
		if seen[port] {
			c.add("redirect_ports", "%d is listed twice; remove the duplicate", port)
		}
		seen[port] = true
	}
	if !strings.HasPrefix(p.CallbackPath, "/") || strings.ContainsAny(p.CallbackPath, "?# ") {
		c.add("callback_path", `%q is not a plain path; start it with "/" and leave out query, fragment and spaces (default "/callback")`, p.CallbackPath)
	}
	if p.LogoutURI != "" {
		c.checkLogoutURI(p.LogoutURI)
	}
}

func (c *checker) checkEndpoints(e Endpoints) {
	if e.IsZero() {
		return
	}
	named := []struct{ field, value string }{
		{"endpoints.authorization", e.Authorization}, {"endpoints.token", e.Token},
		{"endpoints.jwks", e.JWKS}, {"endpoints.userinfo", e.UserInfo},
		{"endpoints.revocation", e.Revocation}, {"endpoints.logout", e.Logout},
	}
	for i, n := range named {
		switch {
		case n.value != "":
			c.checkURL(n.field, n.value)
		case i < 3:
			c.add(n.field, "is empty but other endpoints are set; set authorization, token and jwks together, or remove [endpoints] to use discovery")
		}
	}
}

func (c *checker) checkPlatform(pl Platform) {
	switch pl.Kind {
	case "":
		c.add("platform.kind", `is not set; add a [platform] table with kind = %q to exchange the sign-in for platform tokens (plugins need those), or kind = %q to hand out the identity provider's own tokens`, KindEncodify, KindNone)
	case KindNone:
		for _, f := range []struct{ field, value string }{
			{"platform.base_url", pl.BaseURL}, {"platform.site_id", pl.SiteID},
			{"platform.idp", pl.IdP}, {"platform.client_app_id", pl.ClientAppID},
			{"platform.client_app_secret_file", pl.ClientAppSecretFile},
		} {
			if f.value != "" {
				c.add(f.field, `is set but platform.kind is "none"; set kind = "encodify" or remove the field`)
			}
		}
	case KindEncodify:
		if pl.BaseURL == "" {
			c.add("platform.base_url", `is empty; set the platform worker URL, e.g. "https://worker.example.com/encode"`)
		} else {
			c.checkURL("platform.base_url", pl.BaseURL)
		}
		if !digits(pl.SiteID) {
			c.add("platform.site_id", "%q is not a site id; use the numeric Encodify site id, e.g. \"36\"", pl.SiteID)
		}
		if !latinAlnum(pl.IdP) {
			c.add("platform.idp", "%q is not an identity provider NameId; use the IdP's Name ID from Site Configuration (latin letters and digits only), e.g. \"cognito\"", pl.IdP)
		}
		if pl.ClientAppID == "" {
			c.add("platform.client_app_id", "is empty; copy the Client App Id from System Configuration > Login Settings > Client App Info")
		}
		if pl.ExternalUserIDClaim != "" && !claimName(pl.ExternalUserIDClaim) {
			c.add("platform.external_user_id_claim", "%q is not a claim name; write it as the id_token names it, e.g. \"email\" or \"custom:employee_id\"", pl.ExternalUserIDClaim)
		}
	default:
		c.add("platform.kind", "%q is not a known platform; use %q or %q", pl.Kind, KindNone, KindEncodify)
	}
}

// checkFleet checks the keys an admin uses for a fleet: user_may_change
// names locked keys, and files are absolute paths.
func (c *checker) checkFleet(p Profile) {
	for _, k := range p.UserMayChange {
		if !slices.Contains(LockedKeys, k) {
			c.add("user_may_change", "%q is not a key users are kept from changing; list only some of %s", k, strings.Join(LockedKeys, ", "))
		}
	}
	for _, f := range []struct{ field, value string }{
		{"ca_file", p.CAFile}, {"platform.client_app_secret_file", p.Platform.ClientAppSecretFile},
	} {
		if f.value != "" && !filepath.IsAbs(f.value) {
			c.add(f.field, "%q is not an absolute path; write the whole path to the file", f.value)
		}
	}
}

// maxList bounds every list of strings in a profile: Cognito allows at
// most 50 scopes on an app client, and no other list needs more.
const maxList = 50

// checkValues refuses, in every value, control characters (line breaks,
// NUL, escape sequences) and invisible formatting characters (direction
// overrides), which no URL, id, scope or path holds and which could split
// a header or mislead a reader; and lists of strings longer than maxList.
func (c *checker) checkValues(p Profile) {
	for _, l := range leavesOf(&p) {
		switch {
		case l.v.Kind() == reflect.String:
			c.checkChars(l.key, l.v.String())
		case l.v.Kind() == reflect.Slice && l.v.Type().Elem().Kind() == reflect.String:
			if n := l.v.Len(); n > maxList {
				c.add(l.key, "has %d entries; list at most %d", n, maxList)
				continue
			}
			for i := range l.v.Len() {
				c.checkChars(l.key, l.v.Index(i).String())
			}
		}
	}
}

func (c *checker) checkChars(field, s string) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			c.add(field, "contains the invisible character %U; remove it (line breaks, NUL, escape sequences and direction overrides never belong in a setting)", r)
			return
		}
	}
}
