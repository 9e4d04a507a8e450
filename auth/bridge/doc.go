// Package bridge is the plugin bridge: a small HTTP API on a fixed loopback
// port through which paired creative-suite plugins (Adobe UXP and CEP) get
// the user's token, with the user's consent, and hear about changes.
//
// The flow: a plugin finds the helper (GET /v1/hello, no secret), asks to
// pair (POST /v1/pair with its id and name); the user sees the plugin's
// name and a 4-digit code, in the desktop app or with `ssohelper bridge
// approve CODE`, and allows or denies it; the plugin, polling GET
// /v1/pair/{request}, receives its own secret once. From then on it sends
// the secret (Authorization: Bearer) to GET /v1/token, and in the first
// message of a WebSocket on /v1/events (a browser WebSocket cannot set
// headers) to be told of token_refreshed, signed_in, signed_out,
// profile_changed and plugin_revoked.
//
// Guards, each refusing before anything else happens: the Host header must
// name a loopback address with the bridge's port (DNS rebinding); a web
// Origin (http, https or "null") is refused unless the admin allow-listed
// that exact origin, and no CORS headers are ever sent otherwise; bodies
// are small and bounded; read, write and idle timeouts; pairing requests
// and failed authentications are rate limited, and successful token reads
// capped generously; an unanswered pairing request expires. Secrets are
// kept hashed (SHA-256 of 256 random bits) in the Store and compared in
// constant time against an in-memory copy: no keyring call per request.
//
// The admin API (/v1/admin/…: pending requests, approve, deny, plugins,
// revoke) is for the ssohelper commands of the same user: it takes a
// random admin token the bridge writes to a 0600 file in the user's
// runtime directory, which plugins and web pages cannot read.
package bridge
