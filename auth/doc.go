// Package auth signs a user in with OpenID Connect (Amazon Cognito or any
// standards-compliant issuer) and exchanges the result for a platform token.
//
// The flow reads top-down in [Flow.Login]: discover the provider, start the
// loopback server, open the browser at the authorize URL (PKCE S256, state and
// nonce always), wait for the redirect, redeem the code, verify the id_token
// against the provider's JWKS, and hand the id_token to the platform exchanger.
//
// Nothing in this package draws a window; the GUI and the CLI both call it.
package auth
