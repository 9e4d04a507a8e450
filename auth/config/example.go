package config

// Example returns a commented configuration file that passes validation once the
// placeholder ids are replaced. `ssohelper config init` writes it; the README shows it.
func Example() string { return exampleFile }

const exampleFile = `# ssohelper configuration.
# Secrets never go in this file: set SSOHELPER_CLIENT_SECRET / SSOHELPER_PLATFORM_SECRET,
# or store them with "ssohelper config set-secret client|platform".

# Profile used when none is named (optional with a single profile).
default_profile = "work"

[profiles.work]
# Amazon Cognito user pool; the issuer becomes
# https://cognito-idp.<region>.amazonaws.com/<user_pool_id>
# (amazonaws.com.cn in the China regions, cn-north-1 and cn-northwest-1).
user_pool_id = "eu-west-1_AbC123"
# region = "eu-west-1"                    # optional; derived from user_pool_id
# issuer = "https://accounts.example.com" # any OpenID Connect issuer instead of user_pool_id,
#                                         # exactly as the provider publishes it (with its
#                                         # trailing slash, if it has one, as Auth0's do)

# App client id: 26 letters and digits (App integration > App clients).
client_id = "1example23456789abcdefghij"
# confidential = false                    # true when the app client has a secret

# scopes = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]

# Register http://localhost:<port><callback_path> for every port as a callback URL,
# exactly as written (no trailing slash, no 127.0.0.1).
# redirect_ports = [43110, 43111, 43112]
# callback_path = "/callback"
# login_timeout = "5m"                    # 10s to 1h
# session_lifetime = "720h"               # the app client's refresh token expiration (30 days)
# warn_before = "24h"                     # the desktop app warns this long before you must sign in again

# Registered sign-out URL, needed to switch accounts.
# logout_uri = "http://localhost:43110/signed-out"

# Extra certificate authorities (PEM) for a company proxy that inspects TLS,
# added to the system's.
# ca_file = "/etc/ssl/certs/corp-proxy-ca.pem"

# In the IT admin's system config only (/etc/xdg/ssohelper/config.toml, ...):
# the identifying keys users may still change in this managed profile.
# user_may_change = ["client_id"]

# Explicit endpoints when discovery is unavailable (authorization, token and jwks together).
# Never write a default port such as ":443": Cognito then fails with
# "An error was encountered with the requested page".
# [profiles.work.endpoints]
# authorization = "https://example.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
# token = "https://example.auth.eu-west-1.amazoncognito.com/oauth2/token"
# jwks = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
# userinfo = "https://example.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"
# revocation = "https://example.auth.eu-west-1.amazoncognito.com/oauth2/revoke"
# logout = "https://example.auth.eu-west-1.amazoncognito.com/logout"

# Exchange the id_token for a platform token ("none" hands out the Cognito tokens).
[profiles.work.platform]
kind = "encodify"
base_url = "https://worker.example.com/encode"
site_id = "36"
idp = "cognito"        # the IdP's Name ID: latin letters and digits
client_app_id = "example-client-app"  # its scope: site_<site_id>_provisionByOpenIdToken_<idp>
# external_user_id_claim = "email"       # the claim the platform identifies users by
# client_app_secret_file = "/etc/ssohelper/platform.secret"  # system config only; mode 0640 or 0600
`
