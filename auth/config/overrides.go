package config

import "slices"

// Environment variables read by FromEnv and SecretFromEnv.
const (
	EnvProfile        = "SSOHELPER_PROFILE"
	EnvIssuer         = "SSOHELPER_ISSUER"
	EnvClientID       = "SSOHELPER_CLIENT_ID"
	EnvClientSecret   = "SSOHELPER_CLIENT_SECRET"
	EnvPlatformSecret = "SSOHELPER_PLATFORM_SECRET"
)

// Overrides are settings from flags or the environment that win over the file.
// Empty fields change nothing.
type Overrides struct {
	// Profile selects the profile by name (see File.Profile).
	Profile string
	// Issuer replaces the profile's provider; it clears user_pool_id and region.
	Issuer string
	// ClientID replaces the app client id.
	ClientID string
	// RedirectPorts replace the loopback ports.
	RedirectPorts []int
	// NoBrowser asks the login flow to print the URL instead of opening a browser.
	// It is not a profile setting; Apply ignores it.
	NoBrowser bool
}

// Apply returns a copy of p with the non-empty overrides applied. Validate the result
// again: an override can make a valid profile invalid.
func (p Profile) Apply(o Overrides) Profile {
	if o.Issuer != "" {
		p.Issuer = o.Issuer
		p.UserPoolID = ""
		p.Region = ""
	}
	if o.ClientID != "" {
		p.ClientID = o.ClientID
	}
	if len(o.RedirectPorts) > 0 {
		p.RedirectPorts = slices.Clone(o.RedirectPorts)
	}
	return p
}

// FromEnv reads SSOHELPER_PROFILE, SSOHELPER_ISSUER and SSOHELPER_CLIENT_ID through
// getenv (os.Getenv in production).
func FromEnv(getenv func(string) string) Overrides {
	return Overrides{
		Profile:  getenv(EnvProfile),
		Issuer:   getenv(EnvIssuer),
		ClientID: getenv(EnvClientID),
	}
}

// SecretFromEnv returns the secret named "client" ($SSOHELPER_CLIENT_SECRET) or
// "platform" ($SSOHELPER_PLATFORM_SECRET) and whether it is set and non-empty.
// Any other name returns false. Callers fall back to the keyring.
func SecretFromEnv(getenv func(string) string, name string) (string, bool) {
	var key string
	switch name {
	case "client":
		key = EnvClientSecret
	case "platform":
		key = EnvPlatformSecret
	default:
		return "", false
	}
	v := getenv(key)
	return v, v != ""
}
