package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) loginCmd() *cobra.Command {
	var o config.Overrides
	var ports []int
	var noStore, manual bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in through the browser and keep the tokens in the system keyring",
		Long: `login opens your browser at the identity provider's sign-in page, catches the
redirect on a loopback port, verifies the id_token, exchanges it for a
platform token and keeps the tokens in the system keyring.

Without a display (over SSH, say) there are three ways:
  --no-browser  prints a short http://localhost:PORT/ address to open: on
                this machine, or on yours through 'ssh -L PORT:localhost:PORT';
                the full address is printed too;
  --manual      as --no-browser, and you may paste the address the browser
                ends on after signing in (http://localhost:PORT/callback?…,
                even when that page does not load) back into this terminal;
  a port forward alone also works with --manual: whichever comes first wins.
The pasted address goes through the same checks as the browser's request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if w, ok := a.env.Keyring.(interface{ Warm() }); ok && !noStore && !a.fileStore() {
				go w.Warm() // the keyring connects while the profile loads; ends when connected
			}
			o.RedirectPorts = ports
			p, err := a.profile(o)
			if err != nil {
				return err
			}
			a.warn(p)
			login := &loginStep{a: a, p: p, noBrowser: o.NoBrowser || manual}
			if manual {
				login.paste = a.env.Stdin
			}
			if noStore {
				s, err := login.Login(cmd.Context())
				if err != nil {
					return err
				}
				printSignIn(a.env.Stderr, s, a.env.Now())
				fmt.Fprintln(a.env.Stderr, "Tokens were kept in memory only (--no-store) and are gone now.")
				return nil
			}
			m, st, err := a.manager(p)
			if err != nil {
				return err
			}
			// SignIn fails before the browser opens when it could not save.
			s, err := m.SignIn(cmd.Context(), login)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "Saved in %s.\n", st.Describe())
			printSignIn(a.env.Stderr, s, a.env.Now())
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.NoBrowser, "no-browser", false, "print the sign-in address instead of opening a browser")
	f.StringVar(&o.Issuer, "issuer", "", "OpenID Connect issuer URL (overrides the profile)")
	f.StringVar(&o.ClientID, "client-id", "", "app client id (overrides the profile)")
	f.IntSliceVar(&ports, "port", nil, "loopback redirect ports to try (overrides the profile)")
	f.BoolVar(&noStore, "no-store", false, "do not save the tokens")
	f.BoolVar(&manual, "manual", false, "print the address and read the address the browser ends on, pasted into this terminal")
	return cmd
}

// loginStep is the interactive sign-in of p for account.Manager.SignIn: it
// reads the secrets the flow needs (after SignIn checked the store can
// save, before any browser opens), then runs the flow.
type loginStep struct {
	a         *app
	p         config.Profile
	noBrowser bool
	paste     io.Reader // login --manual: the user pastes the final address here
	// started, when set, learns the sign-in address and deadline (the
	// desktop app's "Copy link" and countdown).
	started func(authURL string, deadline time.Time)
}

func (l *loginStep) Login(ctx context.Context) (*auth.SignIn, error) {
	return l.LoginReady(ctx, nil, nil)
}

// LoginReady is Login with the store's check and save (account.ReadyLogin):
// ready starts at once and runs alongside reading the secrets, discovery
// and listening (auth.Flow.Ready); the browser opens only once it has
// passed, and its error comes before any other. keep saves the sign-in
// before the browser's page says how it went (auth.Flow.Keep). nil ready
// checks nothing; nil keep saves nothing.
func (l *loginStep) LoginReady(ctx context.Context, ready func(context.Context) error, keep func(context.Context, *auth.SignIn) error) (*auth.SignIn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	checked := make(chan error, 1)
	go func() { // ends when ready returns; the keystore bounds each call
		var err error
		if ready != nil {
			if err = ready(ctx); err != nil {
				cancel()
			}
		}
		checked <- err
	}()
	wait := sync.OnceValue(func() error { return <-checked })
	flow, err := l.a.loginFlow(ctx, l.p, l.noBrowser)
	if err != nil {
		if rerr := wait(); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	flow.Ready = func(context.Context) error { return wait() }
	flow.Keep = keep
	flow.Started = l.started
	flow.Paste = l.paste
	return flow.Login(ctx)
}

// loginFlow builds the interactive sign-in of p, with the client and
// platform secrets it needs.
func (a *app) loginFlow(ctx context.Context, p config.Profile, noBrowser bool) (*auth.Flow, error) {
	flow := &auth.Flow{Profile: p, HTTP: a.httpFor(p), Out: a.env.Stderr, Logger: a.logger(), Now: a.env.Now}
	if !noBrowser {
		flow.Opener = a.env.Opener
	}
	if p.Confidential {
		secret, err := a.secret(ctx, p, "client")
		if err != nil {
			return nil, err
		}
		flow.ClientSecret = secret
	}
	ex, err := a.exchanger(ctx, p)
	if err != nil {
		return nil, err
	}
	if ex != nil {
		flow.Exchanger = ex
	}
	return flow, nil
}
