package main

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/auth/session"
	"github.com/ssohelper/ssohelper/auth/tokenhint"
	"github.com/ssohelper/ssohelper/keystore"
)

// Variables that change what `ssohelper token` does in ways only the full
// program handles; any of them set means a hand-off.
var fullOnlyEnv = []string{
	// config.EnvIssuer and config.EnvClientID, spelled out: importing
	// config would link its TOML parser into this small binary
	// (TestFullOnlyEnvNames checks the spelling).
	"SSOHELPER_ISSUER", "SSOHELPER_CLIENT_ID", // ad-hoc profiles and locked keys
	keystore.EnvFileStore,  // the file store announces itself
	keystore.EnvNoKeyCache, // no cache to read
}

// options are the flags of `ssohelper token` and the global ones that
// may come with it.
type options struct {
	config, profile string
	format, env     string
	minValid        time.Duration
	login, idToken  bool
	verbose, files  bool
}

// parse reads args as `ssohelper token` does; ok is false for anything it
// would refuse or that needs the full program (help, -v, the file store).
func parse(args []string) (options, bool) {
	var o options
	fs := pflag.NewFlagSet("token", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&o.config, "config", "", "")
	fs.StringVarP(&o.profile, "profile", "p", "", "")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "")
	fs.BoolVar(&o.files, "insecure-file-store", false, "")
	fs.StringVar(&o.format, "format", handoff.FormatRaw, "")
	fs.DurationVar(&o.minValid, "min-valid", 0, "")
	fs.BoolVar(&o.login, "login", false, "")
	fs.BoolVar(&o.idToken, "id-token", false, "")
	fs.StringVar(&o.env, "env", handoff.DefaultEnv, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || o.verbose || o.files || o.minValid < 0 {
		return options{}, false
	}
	if handoff.CheckEnvName(o.env) != nil || !slices.Contains(handoff.Formats, o.format) {
		return options{}, false
	}
	return o, true
}

// cached is the output of `ssohelper token args` when the saved sign-in
// answers it without renewal, keyring or network; ok is false otherwise.
func cached(args []string, getenv func(string) string, now time.Time) (out []byte, ok bool) {
	for _, name := range fullOnlyEnv {
		if getenv(name) != "" {
			return nil, false
		}
	}
	o, ok := parse(args)
	if !ok {
		return nil, false
	}
	dir, err := keystore.DefaultDir()
	if err != nil {
		return nil, false
	}
	// The profile as the full program last resolved it for these
	// arguments and variables, while the config files are unchanged.
	p, ok := tokenhint.Lookup(dir, tokenhint.KeyOf(o.config, o.profile, getenv))
	if !ok {
		return nil, false
	}
	b, ok := keystore.GetCached(dir, "", "session/"+p.Name)
	if !ok {
		return nil, false
	}
	var s session.SignIn
	if json.Unmarshal(b, &s) != nil {
		return nil, false
	}
	// As the account manager: the sign-in must be of this binding, and
	// hold the token the profile hands out, valid for the margin.
	want := session.Binding{Issuer: p.Issuer, ClientID: p.ClientID, PlatformTarget: p.PlatformTarget}
	if len(want.Differences(s.Binding())) > 0 {
		return nil, false
	}
	if !p.PlatformToken {
		s.Platform = nil
	} else if s.Platform == nil {
		return nil, false
	}
	margin := o.minValid
	if margin == 0 {
		margin = session.DefaultMargin
	}
	if s.Token() == "" || !s.TokenExpiry().After(now.Add(margin)) {
		return nil, false
	}
	which := handoff.Default
	if o.idToken {
		which = handoff.IDToken
	}
	t := handoff.From(&s, which)
	if o.minValid > 0 && t.Expiry.Sub(now) < o.minValid {
		return nil, false // the full program says to ask for less
	}
	var buf bytes.Buffer
	if handoff.Write(&buf, t, o.format, o.env) != nil {
		return nil, false
	}
	return buf.Bytes(), true
}
