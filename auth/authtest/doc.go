// Package authtest runs an in-process Amazon Cognito user pool and an
// Encodify-style platform on one loopback HTTP server, the way
// net/http/httptest runs a plain HTTP server.
//
// The Cognito half serves discovery and JWKS under the issuer path, the hosted
// UI (/oauth2/authorize, /login, /logout) and the OAuth endpoints
// (/oauth2/token, /oauth2/userInfo, /oauth2/revoke). It is faithful to the
// parts of Cognito that a native client depends on: exact callback URL
// matching with plain http only for host localhost, the hosted UI's error
// page (/error?error=redirect_mismatch&client_id=…) for an unknown client or
// callback URL, PKCE optional but S256 only (Counts tells whether a client
// used it), single-use authorization codes, RS256 tokens with Cognito's
// claim shapes, opaque refresh tokens with optional rotation and grace,
// revocation, the login cookie that /logout clears, and signing key
// rotation.
//
// The platform half lives under URL()+"/platform": a client-credentials token
// endpoint for a "Client App" and provisionByOpenIdToken, which verifies a
// Cognito id_token itself and provisions the user just in time with the
// attribute, access-right and group mappings described in the Encodify
// documentation.
//
// Tests inject failures with SetFault, bend tokens with SetIDTokenHook and
// SetTamperIDToken, and drive the hosted login page with Browser. The same
// server, with DemoClient, DemoUsers and DemoPlatformOptions, powers the
// user-facing `ssohelper demo` command, so it never logs tokens, codes,
// passwords or secrets.
package authtest
