// A small, standards-compliant OpenID Connect provider (panva/oidc-provider)
// for ssohelper's interoperability test. It is NOT ssohelper's own emulator:
// it is a certified OpenID provider library with its stock behaviour, plus
// the few settings a desktop public client needs.
//
// Usage: node server.mjs [PORT]   (or PORT=... node server.mjs)
//
// Environment:
//   OIDC_CLIENT_ID       the one public client's id (default "ssohelper-test")
//   OIDC_REDIRECT_URIS   its redirect URIs, separated by spaces or commas
//                        (default http://localhost:43110/callback)
//   OIDC_CONFORM_ID_TOKEN_CLAIMS  "1" keeps the library default, where the
//                        id_token of a code flow carries only sub and the
//                        profile/email claims are at the userinfo endpoint
//
// It listens on 127.0.0.1 only, over plain http, with issuer
// http://localhost:PORT, and prints one line "READY <issuer>" when ready.
// The built-in development login and consent pages are on: any login name
// and any password sign in.

import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT || 0);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.mjs PORT (or set PORT)');
  process.exit(2);
}
// OIDC_ISSUER_SLASH=1: an issuer ending with "/", as Auth0 and others publish.
const issuer = `http://localhost:${port}` + (process.env.OIDC_ISSUER_SLASH === '1' ? '/' : '');
const clientId = process.env.OIDC_CLIENT_ID || 'ssohelper-test';
const redirectUris = (process.env.OIDC_REDIRECT_URIS || 'http://localhost:43110/callback')
  .split(/[\s,]+/)
  .filter(Boolean);

// A fresh RS256 signing key per run; the library's built-in keys are
// development keys shared by everyone.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: clientId,
    application_type: 'web', // exact redirect URI matching, like most hosted providers
    token_endpoint_auth_method: 'none',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  pkce: { methods: ['S256'], required: () => true },
  conformIdTokenClaims: process.env.OIDC_CONFORM_ID_TOKEN_CLAIMS === '1',
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true }, // RFC 7009, off by default
  },
  // Any login name is an account.
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@oidc-provider.test`,
          email_verified: true,
          name: `Test User ${id}`,
        };
      },
    };
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, err) => console.error('server_error:', err));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
server.on('error', (err) => {
  console.error(`listen: ${err.message}`);
  process.exit(1);
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
