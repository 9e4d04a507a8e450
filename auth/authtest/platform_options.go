package authtest

import (
	"fmt"
	"reflect"
	"time"
)

// PlatformOptions configures the Encodify-style platform emulator.
type PlatformOptions struct {
	// SiteID is the site in the provision path. Default "36".
	SiteID string
	// IdP is the identity provider name in the provision path. Default "cognito".
	IdP string
	// Apps are the "Client Apps" allowed to get a provisioning token. Default: DemoPlatformApp().
	Apps []PlatformApp
	// AllowedDomains are the email domains allowed to sign in, compared
	// case-insensitively. Empty means any domain.
	AllowedDomains []string
	// ExternalIDClaim is the id_token claim used as the external user id. Default "email".
	ExternalIDClaim string
	// AttributeMapping maps an id_token claim to a platform user field. Default
	// {"given_name":"firstName","family_name":"lastName","email":"email"}.
	AttributeMapping map[string]string
	// AccessRightClaim carries the external access right. Default "custom:access_right".
	AccessRightClaim string
	// AccessRightMappingXML maps external access to EncodeAccessRight. Empty means no mapping.
	AccessRightMappingXML string
	// GroupClaim carries the external groups. Default "cognito:groups".
	GroupClaim string
	// GroupMappingXML maps external groups to EncodeGroup lists. Empty means no mapping.
	GroupMappingXML string
	// DefaultAccessRight applies when no mapping matches. Default empty.
	DefaultAccessRight string
	// DefaultGroups are added to every provisioned user.
	DefaultGroups []string
	// AccessTokenTTL is the platform access token lifetime. Default 14400s.
	AccessTokenTTL time.Duration
	// RefreshTokenTTL is the platform refresh token lifetime. Default 30 days.
	RefreshTokenTTL time.Duration
}

// PlatformApp is a platform "Client App" with scope
// site_<siteId>_provisionByOpenIdToken_<idp>.
type PlatformApp struct{ ID, Secret string }

// PlatformUser is a user the platform provisioned just in time.
type PlatformUser struct {
	// ExternalID is the value of PlatformOptions.ExternalIDClaim.
	ExternalID string
	// Attributes are the mapped user fields (for example firstName).
	Attributes map[string]string
	// AccessRight is the mapped access right, or the default.
	AccessRight string
	// Groups are the mapped groups plus the default groups, deduplicated.
	Groups []string
	// Logins counts successful provisions of this user.
	Logins int
}

func (p PlatformOptions) withDefaults() (PlatformOptions, error) {
	if reflect.ValueOf(p).IsZero() {
		p = DemoPlatformOptions()
	}
	if p.SiteID == "" {
		p.SiteID = "36"
	}
	if p.IdP == "" {
		p.IdP = "cognito"
	}
	if len(p.Apps) == 0 {
		p.Apps = []PlatformApp{DemoPlatformApp()}
	}
	if p.ExternalIDClaim == "" {
		p.ExternalIDClaim = "email"
	}
	if p.AttributeMapping == nil {
		p.AttributeMapping = map[string]string{"given_name": "firstName", "family_name": "lastName", "email": "email"}
	}
	if p.AccessRightClaim == "" {
		p.AccessRightClaim = "custom:access_right"
	}
	if p.GroupClaim == "" {
		p.GroupClaim = "cognito:groups"
	}
	if p.AccessTokenTTL == 0 {
		p.AccessTokenTTL = 14400 * time.Second
	}
	if p.RefreshTokenTTL == 0 {
		p.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if p.AccessTokenTTL < 0 || p.RefreshTokenTTL < 0 {
		return p, fmt.Errorf("%w: negative platform token lifetime", ErrInvalidOptions)
	}
	for i, a := range p.Apps {
		if a.ID == "" || a.Secret == "" {
			return p, fmt.Errorf("%w: platform app %d needs an id and a secret", ErrInvalidOptions, i)
		}
	}
	return p, nil
}
