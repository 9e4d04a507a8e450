// Package config loads, validates and saves ssohelper profiles.
//
// Profiles live in one TOML file, by default
// os.UserConfigDir()/ssohelper/config.toml ($XDG_CONFIG_HOME/ssohelper/config.toml on
// Linux), or wherever $SSOHELPER_CONFIG points. A missing file is an empty configuration,
// not an error. Decoding is strict: an unknown key is reported with its line so that a
// typo never silently falls back to a default.
//
// A profile names an OpenID Connect provider (an Amazon Cognito user pool, or any issuer),
// the public app client, the loopback redirect ports and, optionally, the platform that
// exchanges the id_token for its own token. Secrets never live in the file: they come
// from the environment (see SecretFromEnv) or the OS keyring.
//
// Validate reports every problem at once, each with the field at fault and what to do,
// so a user can fix the whole file in one pass. Run Example for a commented template.
package config
