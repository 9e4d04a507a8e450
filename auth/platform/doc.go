// Package platform exchanges a verified OpenID Connect id_token for a platform token
// and refreshes that token.
//
// Encodify is the one exchanger today. It follows the Encodify "provision token by
// external OpenId Token" endpoint: a client_credentials grant gets an app token for a
// Client App whose scope is site_<siteId>_provisionByOpenIdToken_<idp>; the app token
// then provisions the user just in time from the id_token and returns a platform
// access and refresh token. Refresh is a standard refresh_token grant (RFC 6749
// section 6) with the same client app credentials.
//
// Every failure is an *Error wrapping one sentinel (ErrClientApp, ErrIdPNotFound,
// ErrNotAllowed, ErrInvalidIDToken, ErrUnavailable, ErrInvalidGrant) so callers can tell
// "fix the configuration" from "sign in again" from "try again later". Error messages
// never contain a token or a secret.
package platform
