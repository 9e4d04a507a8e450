package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/app/instance"
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/auth/tokenhint"
)

// tokenOptions are the flags token and exec share.
type tokenOptions struct {
	minValid time.Duration
	login    bool
	idToken  bool
	env      string
}

func (o *tokenOptions) flags(cmd *cobra.Command, envHelp string) {
	f := cmd.Flags()
	f.DurationVar(&o.minValid, "min-valid", 0, "renew the token when less than this is left (default 5m)")
	f.BoolVar(&o.login, "login", false, "when a sign-in is needed, start one (in the running desktop app, else in the browser) and wait for it")
	f.BoolVar(&o.idToken, "id-token", false, "hand out the identity provider's id_token instead")
	f.StringVar(&o.env, "env", handoff.DefaultEnv, envHelp)
}

func (a *app) tokenCmd() *cobra.Command {
	var o tokenOptions
	var format string
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a valid platform token on stdout, renewing it when needed",
		Long: `token prints the profile's platform access token (for platform kind "none",
the identity provider's access token; its id_token with --id-token) on
stdout and nothing else. It renews the token when less than --min-valid
(5 minutes) is left. It never opens a browser by itself: when only a
sign-in can help it exits with code 4 and a one-line hint on stderr, unless
--login asks it to start one (through the running desktop app, which shows
its window for you to click Sign in, else in the browser) and wait.

Formats: raw (the token), json (token, type, kind, expiry in RFC 3339,
profile, user, scope), header ("Authorization: Bearer …"), env (export
lines for a POSIX shell: NAME, NAME_EXPIRY, NAME_PROFILE, NAME_USER, with
NAME from --env).`,
		Example: `  curl -H "$(ssohelper token --format header)" https://platform.example/api/…
  eval "$(ssohelper token --format env)"
  ssohelper token --format json --min-valid 30m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := handoff.CheckEnvName(o.env); err != nil {
				return usagef("--env: %v", err)
			}
			if !slices.Contains(handoff.Formats, format) {
				return usagef("--format %q: choose one of %s", format, strings.Join(handoff.Formats, ", "))
			}
			t, err := a.handoffToken(cmd.Context(), o)
			if err != nil {
				return err
			}
			return handoff.Write(a.env.Stdout, t, format, o.env)
		},
	}
	cmd.Flags().StringVar(&format, "format", handoff.FormatRaw, "raw, json, header or env")
	o.flags(cmd, "the variable name of the env format")
	return cmd
}

// handoffToken is the token token and exec hand out: renewed when less
// than o.minValid is left, after a sign-in when o.login allows one.
func (a *app) handoffToken(ctx context.Context, o tokenOptions) (handoff.Token, error) {
	if o.minValid < 0 {
		return handoff.Token{}, usagef("--min-valid %s: give a positive duration such as 30m", o.minValid)
	}
	p, err := a.tokenProfile()
	if err != nil {
		return handoff.Token{}, err
	}
	m, _, err := a.manager(p)
	if err != nil {
		return handoff.Token{}, err
	}
	m.Margin = o.minValid
	s, err := m.Token(ctx)
	if errors.Is(err, auth.ErrLoginRequired) && o.login {
		s, err = a.signInFor(ctx, p, m)
	}
	if err != nil {
		return handoff.Token{}, err
	}
	which := handoff.Default
	if o.idToken {
		which = handoff.IDToken
	}
	t := handoff.From(s, which)
	if left := t.Expiry.Sub(a.env.Now()); o.minValid > 0 && left < o.minValid {
		return handoff.Token{}, usagef("a fresh %s token is valid for %s only, less than --min-valid %s: ask for less",
			t.Kind, left.Round(time.Second), o.minValid)
	}
	return t, nil
}

// tokenProfile is the profile token and exec use. It also saves a hint of
// how it was resolved, for ssohelper-token to skip reading the config
// while the files are unchanged (auth/tokenhint); the files are looked
// at before they are read, so a change in between makes the hint miss.
func (a *app) tokenProfile() (config.Profile, error) {
	path, err := a.configPath()
	if err != nil {
		return config.Profile{}, err
	}
	key := tokenhint.KeyOf(a.g.configPath, a.g.profile, a.env.Getenv)
	files, _ := tokenhint.Stat(append(slices.Clone(a.env.SystemConfig), path))
	p, err := a.profileAt(path, config.Overrides{})
	if err != nil || files == nil || a.env.Getenv(config.EnvIssuer) != "" || a.env.Getenv(config.EnvClientID) != "" {
		return p, err // ssohelper-token hands calls with overrides off
	}
	hint := tokenhint.Profile{Name: p.Name, Issuer: p.IssuerURL(), ClientID: p.ClientID,
		PlatformTarget: p.Platform.Target(), PlatformToken: p.Platform.Kind == config.KindEncodify}
	if err := tokenhint.Save(a.env.DataDir, key, files, hint, a.env.Now()); err != nil {
		a.logger().Debug("token hint not saved", "err", err)
	}
	return p, nil
}

// signInFor gets p signed in for `token --login`: through the running
// desktop app when there is one (it shows its window for p; the user
// clicks Sign in there), else in the browser, here. It waits at most the
// profile's sign-in timeout.
func (a *app) signInFor(ctx context.Context, p config.Profile, m *account.Manager) (*auth.SignIn, error) {
	msg := "login"
	if p.Name != "" && config.CheckProfileName(p.Name) == "" {
		msg += " " + p.Name
	}
	err := instance.Send(instance.SocketPath(a.env.Getenv), msg)
	if errors.Is(err, instance.ErrNotRunning) {
		fmt.Fprintln(a.env.Stderr, "Sign-in needed: opening your browser.")
		return m.SignIn(ctx, &loginStep{a: a, p: p})
	}
	if err != nil {
		return nil, fmt.Errorf("asking the desktop app to sign in: %w", err)
	}
	timeout := p.LoginTimeout.Duration
	fmt.Fprintf(a.env.Stderr, "Sign-in needed: click Sign in in the ssohelper window (profile %s); waiting up to %s.\n", p.Name, timeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := waitForSignIn(ctx, a.env.DataDir, m)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: nobody signed in within %s", auth.ErrLoginRequired, timeout)
	}
	return s, err
}

// waitForSignIn returns m's sign-in once one is saved: it tries again on
// every change in the data directory (the app saves there), never polling.
func waitForSignIn(ctx context.Context, dataDir string, m *account.Manager) (*auth.SignIn, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if err := w.Add(dataDir); err != nil {
		return nil, err
	}
	for {
		s, err := m.Token(ctx) // after the watch starts, so no save is missed
		if !errors.Is(err, auth.ErrLoginRequired) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-w.Events:
		case err := <-w.Errors:
			return nil, fmt.Errorf("watching %s: %w", dataDir, err)
		}
	}
}
