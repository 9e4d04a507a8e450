package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Platform kinds understood by ssohelper.
const (
	// KindNone hands out the identity provider's own tokens; no exchange happens.
	KindNone = "none"
	// KindEncodify exchanges the id_token for an Encodify platform token.
	KindEncodify = "encodify"
)

// Defaults applied by WithDefaults.
var (
	// DefaultScopes are the scopes requested when a profile lists none.
	DefaultScopes = []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"}
	// DefaultRedirectPorts are the loopback ports tried in order when a profile lists none.
	// Each must be registered as http://localhost:<port><callback_path> on the app client.
	DefaultRedirectPorts = []int{43110, 43111, 43112}
)

const (
	// DefaultCallbackPath is the redirect path used when a profile sets none.
	DefaultCallbackPath = "/callback"
	// DefaultLoginTimeout bounds one interactive sign-in when a profile sets none.
	DefaultLoginTimeout = 5 * time.Minute
	// DefaultSessionLifetime is Cognito's default refresh token expiration.
	DefaultSessionLifetime = 30 * 24 * time.Hour
	// DefaultWarnBefore is how long before a sign-in's hard end the desktop
	// app warns, when a profile sets no warn_before.
	DefaultWarnBefore = 24 * time.Hour
)

// Profile is one named sign-in configuration.
type Profile struct {
	// Name is the profile's key in the file; it is filled in on load and never written.
	Name string `toml:"-"`
	// Region is the AWS region of the user pool; empty means the prefix of UserPoolID.
	Region string `toml:"region,omitempty"`
	// UserPoolID is the Cognito user pool, e.g. "eu-west-1_AbC123". Exclusive with Issuer.
	UserPoolID string `toml:"user_pool_id,omitempty"`
	// Issuer is any OpenID Connect issuer URL. Exclusive with UserPoolID.
	Issuer string `toml:"issuer,omitempty"`
	// ClientID is the app client id (for Cognito 1 to 128 word characters,
	// usually 26 letters and digits).
	ClientID string `toml:"client_id,omitempty"`
	// Confidential says the app client has a secret; the secret comes from the
	// environment or the keyring, never from this file. Default false.
	Confidential bool `toml:"confidential,omitempty"`
	// Scopes requested at sign-in; must include "openid". Default DefaultScopes.
	Scopes []string `toml:"scopes,omitempty"`
	// RedirectPorts are the loopback ports tried in order (1 to 5). Default DefaultRedirectPorts.
	RedirectPorts []int `toml:"redirect_ports,omitempty"`
	// CallbackPath is the redirect URI path. Default DefaultCallbackPath.
	CallbackPath string `toml:"callback_path,omitempty"`
	// LoginTimeout bounds one interactive sign-in (10s to 1h). Default DefaultLoginTimeout.
	LoginTimeout Duration `toml:"login_timeout,omitempty"`
	// SessionLifetime is the app client's refresh token expiration: after
	// that long from a sign-in, the user must sign in again (1h to 3650 days,
	// written in hours, e.g. "720h"). Default DefaultSessionLifetime (30 days).
	SessionLifetime Duration `toml:"session_lifetime,omitempty"`
	// WarnBefore is how long before the sign-in's hard end (SessionLifetime
	// after signing in) the desktop app warns (1h to 720h). Default
	// DefaultWarnBefore (a day).
	WarnBefore Duration `toml:"warn_before,omitempty"`
	// LogoutURI is a registered sign-out URL passed to the logout endpoint. Optional.
	LogoutURI string `toml:"logout_uri,omitempty"`
	// Endpoints override discovery; all optional, but authorization, token and jwks go together.
	Endpoints Endpoints `toml:"endpoints,omitempty"`
	// CAFile is a PEM bundle of extra certificate authorities trusted for
	// the provider and the platform, added to the system roots (for a
	// company proxy that inspects TLS). Optional; an absolute path.
	CAFile string `toml:"ca_file,omitempty"`
	// Platform selects the token exchange after sign-in. Its kind has no
	// default: a forgotten [platform] table must not silently hand plugins
	// the identity provider's tokens instead of platform tokens.
	Platform Platform `toml:"platform,omitempty"`
	// UserMayChange lists identifying keys (see LockedKeys) that users may
	// change in a profile the system config defines. Only the system config
	// may set it.
	UserMayChange []string `toml:"user_may_change,omitempty"`

	// Managed is the system config file that defines this profile, or ""
	// when the user's own file does. Filled in on load, never written.
	Managed string `toml:"-"`
	// Origins maps each set key (as in Settings) to where its value came
	// from: a file path, a flag, an environment variable. Filled in on load.
	Origins map[string]string `toml:"-"`
}

// Endpoints are explicit provider endpoints for when discovery is unavailable.
type Endpoints struct {
	Authorization string `toml:"authorization,omitempty"`
	Token         string `toml:"token,omitempty"`
	JWKS          string `toml:"jwks,omitempty"`
	UserInfo      string `toml:"userinfo,omitempty"`
	Revocation    string `toml:"revocation,omitempty"`
	Logout        string `toml:"logout,omitempty"`
}

// IsZero reports whether no endpoint is set.
func (e Endpoints) IsZero() bool { return e == Endpoints{} }

// Platform configures the exchange of the id_token for a platform token. The client
// app secret comes from $SSOHELPER_PLATFORM_SECRET or the keyring, never from the file.
type Platform struct {
	// Kind is KindEncodify or KindNone; required.
	Kind string `toml:"kind,omitempty"`
	// BaseURL is the platform worker URL, e.g. "https://worker.example.com/encode".
	BaseURL string `toml:"base_url,omitempty"`
	// SiteID is the numeric Encodify site id.
	SiteID string `toml:"site_id,omitempty"`
	// IdP is the identity provider's NameId on the platform (latin letters and digits).
	IdP string `toml:"idp,omitempty"`
	// ClientAppID is the platform "Client App Id" whose scope is
	// site_<site_id>_provisionByOpenIdToken_<idp>.
	ClientAppID string `toml:"client_app_id,omitempty"`
	// ExternalUserIDClaim is the id_token claim the platform identifies
	// users by (its "External user ID" mapping); DefaultExternalUserIDClaim
	// when empty. `ssohelper claims` checks the user has it.
	ExternalUserIDClaim string `toml:"external_user_id_claim,omitempty"`
	// ClientAppSecretFile is an admin-managed file holding the client app
	// secret, for a fleet. Only the system config may set it; the file must
	// not be group- or world-writable, nor world-readable (see ReadSecretFile).
	ClientAppSecretFile string `toml:"client_app_secret_file,omitempty"`
}

// DefaultExternalUserIDClaim is the claim platforms identify users by
// unless the profile says otherwise.
const DefaultExternalUserIDClaim = "email"

// UserIDClaim is the claim the platform identifies users by.
func (pl Platform) UserIDClaim() string {
	if pl.ExternalUserIDClaim != "" {
		return pl.ExternalUserIDClaim
	}
	return DefaultExternalUserIDClaim
}

// Target names the platform that tokens of this configuration belong to:
// "none", or the kind with base URL, site and IdP. A saved sign-in records
// it, and is not used once the profile names another platform.
func (pl Platform) Target() string {
	if pl.Kind != KindEncodify {
		return pl.Kind
	}
	return fmt.Sprintf("%s %s site %s idp %s", pl.Kind, pl.BaseURL, pl.SiteID, pl.IdP)
}

// Duration is a time.Duration written in TOML as a string such as "5m" or "90s".
type Duration struct{ time.Duration }

// MarshalText writes the duration in time.Duration.String form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses a duration such as "5m" or "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q; write it like \"5m\" or \"90s\"", b)
	}
	d.Duration = v
	return nil
}

// awsDomain is the DNS suffix of region's partition: amazonaws.com.cn in
// the China regions (cn-north-1, cn-northwest-1), amazonaws.com elsewhere
// (GovCloud included).
func awsDomain(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// WithDefaults returns a copy of p with every empty optional field set to its default
// and Region derived from UserPoolID. It never changes a field that is already set.
func (p Profile) WithDefaults() Profile {
	if p.Region == "" && p.UserPoolID != "" {
		if prefix, _, ok := strings.Cut(p.UserPoolID, "_"); ok {
			p.Region = prefix
		}
	}
	if len(p.Scopes) == 0 {
		p.Scopes = slices.Clone(DefaultScopes)
	}
	if len(p.RedirectPorts) == 0 {
		p.RedirectPorts = slices.Clone(DefaultRedirectPorts)
	}
	if p.CallbackPath == "" {
		p.CallbackPath = DefaultCallbackPath
	}
	if p.LoginTimeout.Duration == 0 {
		p.LoginTimeout.Duration = DefaultLoginTimeout
	}
	if p.SessionLifetime.Duration == 0 {
		p.SessionLifetime.Duration = DefaultSessionLifetime
	}
	if p.WarnBefore.Duration == 0 {
		p.WarnBefore.Duration = DefaultWarnBefore
	}
	return p
}

// IssuerURL returns the OpenID Connect issuer: Issuer when set, otherwise
// https://cognito-idp.<region>.<partition domain>/<user_pool_id>, where the
// domain is amazonaws.com, or amazonaws.com.cn in the China regions.
func (p Profile) IssuerURL() string {
	if p.Issuer != "" {
		return p.Issuer
	}
	if p.UserPoolID == "" {
		return ""
	}
	region := p.Region
	if region == "" {
		region, _, _ = strings.Cut(p.UserPoolID, "_")
	}
	return "https://cognito-idp." + region + "." + awsDomain(region) + "/" + p.UserPoolID
}

// IsCognito reports whether the profile signs in with Amazon Cognito: a user pool is
// configured, the issuer's host is cognito-idp.<region>.amazonaws.com, or the issuer
// is a loopback Cognito emulator whose path is a user pool id (http://127.0.0.1:N/<pool>).
// Cognito profiles get Cognito's stricter checks (token_use, 26-character client id).
func (p Profile) IsCognito() bool {
	if p.UserPoolID != "" {
		return true
	}
	u, err := url.Parse(p.Issuer)
	if err != nil {
		return false
	}
	if _, ok := cognitoRegion(u.Hostname()); ok {
		return true
	}
	return isLoopback(u.Hostname()) && isPoolID(strings.TrimPrefix(u.Path, "/"))
}

// RedirectURI returns the loopback redirect URI for port,
// "http://localhost:<port><callback_path>". Register it exactly on the app client.
func (p Profile) RedirectURI(port int) string {
	path := p.CallbackPath
	if path == "" {
		path = DefaultCallbackPath
	}
	return fmt.Sprintf("http://localhost:%d%s", port, path)
}
