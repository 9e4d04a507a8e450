package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) loginCmd() *cobra.Command {
	var o config.Overrides
	var ports []int
	var noStore bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in through the browser and keep the tokens in the system keyring",
		Long: `login opens your browser at the identity provider's sign-in page, catches the
redirect on a loopback port, verifies the id_token, exchanges it for a
platform token and keeps the tokens in the system keyring.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.RedirectPorts = ports
			p, err := a.profile(o)
			if err != nil {
				return err
			}
			a.warn(p)
			if !noStore {
				// Fail before the browser, not after the user signed in.
				st, err := a.store()
				if err != nil {
					return err
				}
				if err := st.Ready(cmd.Context()); err != nil {
					return fmt.Errorf("the sign-in could not be saved, so it was not started: %w", err)
				}
			}
			s, err := a.login(cmd.Context(), p, o.NoBrowser)
			if err != nil {
				return err
			}
			if !noStore {
				if err := a.save(cmd.Context(), p, s); err != nil {
					return err
				}
			}
			printSession(a.env.Stderr, s, a.env.Now())
			if noStore {
				fmt.Fprintln(a.env.Stderr, "Tokens were kept in memory only (--no-store) and are gone now.")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.NoBrowser, "no-browser", false, "print the sign-in address instead of opening a browser")
	f.StringVar(&o.Issuer, "issuer", "", "OpenID Connect issuer URL (overrides the profile)")
	f.StringVar(&o.ClientID, "client-id", "", "app client id (overrides the profile)")
	f.IntSliceVar(&ports, "port", nil, "loopback redirect ports to try (overrides the profile)")
	f.BoolVar(&noStore, "no-store", false, "do not save the tokens")
	return cmd
}

// login runs the interactive flow for p.
func (a *app) login(ctx context.Context, p config.Profile, noBrowser bool) (*auth.Session, error) {
	flow := &auth.Flow{Profile: p, HTTP: a.env.HTTP, Out: a.env.Stderr, Logger: a.logger(), Now: a.env.Now}
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
	return flow.Login(ctx)
}

// save keeps the session in the secret store.
func (a *app) save(ctx context.Context, p config.Profile, s *auth.Session) error {
	m, st, err := a.manager(p)
	if err != nil {
		return err
	}
	if err := m.Save(ctx, s); err != nil {
		return err
	}
	fmt.Fprintf(a.env.Stderr, "Saved in %s.\n", st.Describe())
	return nil
}
