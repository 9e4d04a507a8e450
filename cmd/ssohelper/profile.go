package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/auth/transport"
	"github.com/ssohelper/ssohelper/keystore"
)

// keyringTimeout bounds every call to the system keyring.
const keyringTimeout = 5 * time.Second

// configPath is --config, else $SSOHELPER_CONFIG, else the user config dir.
func (a *app) configPath() (string, error) {
	if a.g.configPath != "" {
		return a.g.configPath, nil
	}
	if p := a.env.Getenv(config.EnvConfig); p != "" {
		return p, nil
	}
	return config.Path()
}

// configFile loads the config file: its path and content (empty when it
// does not exist).
func (a *app) configFile() (string, *config.File, error) {
	path, err := a.configPath()
	if err != nil {
		return "", nil, err
	}
	f, err := config.LoadMerged(a.env.SystemConfig, path)
	return path, f, err
}

// profile loads the selected profile and applies flag and environment
// overrides (flags win). With no config file, --issuer and --client-id
// alone make an ad-hoc profile named "default" that hands out the
// provider's tokens (platform kind "none").
func (a *app) profile(flags config.Overrides) (config.Profile, error) {
	path, err := a.configPath()
	if err != nil {
		return config.Profile{}, err
	}
	return a.profileAt(path, flags)
}

// profileAt is profile with the user config file's path already resolved.
func (a *app) profileAt(path string, flags config.Overrides) (config.Profile, error) {
	f, err := config.LoadMerged(a.env.SystemConfig, path)
	if err != nil {
		return config.Profile{}, err
	}
	env := config.FromEnv(a.env.Getenv)
	o := env
	merge(&o, flags)
	if len(f.Profiles) == 0 && (o.Issuer == "" || o.ClientID == "") {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			switch {
			case a.g.configPath != "":
				return config.Profile{}, usagef("the config file %s (--config) does not exist; check the path, or create it with `ssohelper --config %s config init`", path, path)
			case a.env.Getenv(config.EnvConfig) != "":
				return config.Profile{}, usagef("the config file %s ($%s) does not exist; check the path, or create it with `ssohelper config init`", path, config.EnvConfig)
			default:
				return config.Profile{}, fmt.Errorf("%w: there is no config file at %s; ask your IT admin for one, "+
					"run `ssohelper config init` to start from an example, or try `ssohelper demo`", config.ErrNoProfile, path)
			}
		}
	}
	if a.g.profile != "" && flags.Profile == "" {
		o.Profile = a.g.profile
	}
	var p config.Profile
	if len(f.Profiles) == 0 && o.Profile == "" && o.Issuer != "" && o.ClientID != "" {
		p = config.Profile{Name: "default", Platform: config.Platform{Kind: config.KindNone}}
	} else if p, err = f.Profile(o.Profile); err != nil {
		return config.Profile{}, fmt.Errorf("%w (config file: %s)", err, path)
	}
	src := overrideSources(flags, env)
	if err := checkLocks(p, src); err != nil {
		return config.Profile{}, err
	}
	p = p.Apply(o).WithDefaults()
	if err := p.Validate(); err != nil {
		return config.Profile{}, nameSources(err, src)
	}
	p.Origins = maps.Clone(p.Origins)
	if p.Origins == nil {
		p.Origins = map[string]string{}
	}
	for field, from := range src {
		p.Origins[field] = from
		if field == "issuer" {
			delete(p.Origins, "user_pool_id")
			delete(p.Origins, "region")
		}
	}
	return p, nil
}

// checkLocks refuses flags and variables that would change what the IT
// admin locked in a managed profile. --issuer also replaces user_pool_id
// and region.
func checkLocks(p config.Profile, src map[string]string) error {
	for _, field := range slices.Sorted(maps.Keys(src)) {
		keys := []string{field}
		if field == "issuer" {
			keys = append(keys, "user_pool_id", "region")
		}
		for _, k := range keys {
			if err := p.CheckOverride(k, src[field]); err != nil {
				return usagef("%v", err)
			}
		}
	}
	return nil
}

// overrideSources names where each overridden profile field came from:
// the flag, else the environment variable.
func overrideSources(flags, env config.Overrides) map[string]string {
	src := map[string]string{}
	for _, s := range []struct {
		field     string
		flag, env bool
		flagName  string
		envName   string
	}{
		{"issuer", flags.Issuer != "", env.Issuer != "", "--issuer", "$" + config.EnvIssuer},
		{"client_id", flags.ClientID != "", env.ClientID != "", "--client-id", "$" + config.EnvClientID},
		{"redirect_ports", len(flags.RedirectPorts) > 0, false, "--port", ""},
	} {
		switch {
		case s.flag:
			src[s.field] = s.flagName
		case s.env:
			src[s.field] = s.envName
		}
	}
	return src
}

// nameSources makes validation problems of overridden fields name the flag
// or variable the value came from, not the config key the user never wrote.
func nameSources(err error, src map[string]string) error {
	var verr *config.ValidationError
	if len(src) == 0 || !errors.As(err, &verr) {
		return err
	}
	out := &config.ValidationError{Problems: slices.Clone(verr.Problems)}
	for i, pr := range out.Problems {
		if name, ok := src[pr.Field]; ok {
			out.Problems[i].Field = name
		}
	}
	return out
}

func merge(dst *config.Overrides, src config.Overrides) {
	if src.Profile != "" {
		dst.Profile = src.Profile
	}
	if src.Issuer != "" {
		dst.Issuer = src.Issuer
	}
	if src.ClientID != "" {
		dst.ClientID = src.ClientID
	}
	if len(src.RedirectPorts) > 0 {
		dst.RedirectPorts = src.RedirectPorts
	}
	dst.NoBrowser = dst.NoBrowser || src.NoBrowser
}

// store opens the secret store: the system keyring, or the opt-in file
// store, which is announced on every use.
// It is opened once per command.
func (a *app) store() (*keystore.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	kr := a.env.Keyring
	if a.fileStore() {
		path := filepath.Join(a.env.DataDir, "vault.key")
		fmt.Fprintf(a.env.Stderr, "ssohelper: using the file store (%s) instead of the system keyring: anyone who can read your files can read your tokens\n", path)
		kr = keystore.NewFileKeyring(path)
	}
	opts := keystore.Options{Dir: a.env.DataDir, Keyring: kr, Timeout: keyringTimeout, Logger: a.logger()}
	if a.env.Getenv(envNoKeyCache) == "1" {
		opts.KeyCacheTTL = -1
	}
	st, err := keystore.New(opts)
	if err != nil {
		return nil, err
	}
	a.st = st
	return st, nil
}

// fileStore reports whether the user opted in to the file store.
func (a *app) fileStore() bool { return a.g.fileStore || a.env.Getenv(envFileStore) == "1" }

// The store's variables (see keystore), by their short names here.
const (
	envFileStore  = keystore.EnvFileStore
	envNoKeyCache = keystore.EnvNoKeyCache
)

// httpFor is the HTTP client for p's provider and platform: the proxy
// variables (and on macOS and Windows the system proxy), the system's
// authorities plus p's ca_file, and Env.HTTP's timeout (see package
// transport). When Env.HTTP has a Transport of its own (a test's), it is
// used as it is. A ca_file that cannot be used fails every request with
// what to fix, so commands that make none are not slowed or stopped.
func (a *app) httpFor(p config.Profile) *http.Client {
	if a.env.HTTP != nil && a.env.HTTP.Transport != nil {
		return a.env.HTTP
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[p.CAFile]; ok {
		return c
	}
	timeout := httpTimeout
	if a.env.HTTP != nil && a.env.HTTP.Timeout > 0 {
		timeout = a.env.HTTP.Timeout
	}
	c, err := transport.Client(transport.Options{Getenv: a.env.Getenv, CAFile: p.CAFile, Timeout: timeout})
	if err != nil {
		c = &http.Client{Transport: failing{err}}
	}
	if a.clients == nil {
		a.clients = map[string]*http.Client{}
	}
	a.clients[p.CAFile] = c
	return c
}

// failing is a Transport that fails every request with err.
type failing struct{ err error }

func (f failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// secret returns the client ("client") or platform ("platform") secret of p:
// from the environment, else from the store.
func (a *app) secret(ctx context.Context, p config.Profile, which string) (string, error) {
	if s, ok := config.SecretFromEnv(a.env.Getenv, which); ok {
		return s, nil
	}
	if file := p.Platform.ClientAppSecretFile; which == "platform" && file != "" {
		return config.ReadSecretFile(file)
	}
	st, err := a.store()
	if err != nil {
		return "", err
	}
	b, err := st.Get(ctx, secretName(p.Name, which))
	if errors.Is(err, keystore.ErrNotFound) {
		env := config.EnvClientSecret
		if which == "platform" {
			env = config.EnvPlatformSecret
		}
		return "", usagef("profile %s needs the %s secret: set $%s or run `ssohelper config set-secret %s`", p.Name, which, env, which)
	}
	if err != nil {
		return "", fmt.Errorf("reading the %s secret: %w", which, err)
	}
	return string(b), nil
}

func secretName(profile, which string) string { return "secret/" + profile + "/" + which }

// exchanger builds the platform exchanger of p; nil for kind "none".
func (a *app) exchanger(ctx context.Context, p config.Profile) (*platform.Encodify, error) {
	if p.Platform.Kind != config.KindEncodify {
		return nil, nil
	}
	secret, err := a.secret(ctx, p, "platform")
	if err != nil {
		return nil, err
	}
	return a.encodify(p, secret), nil
}

// encodify is the platform client of p with the client app secret.
func (a *app) encodify(p config.Profile, secret string) *platform.Encodify {
	return &platform.Encodify{
		BaseURL: p.Platform.BaseURL, SiteID: p.Platform.SiteID, IdP: p.Platform.IdP,
		ClientAppID: p.Platform.ClientAppID, ClientAppSecret: secret,
		HTTP: a.httpFor(p), Now: a.env.Now, Logger: a.logger(),
	}
}
