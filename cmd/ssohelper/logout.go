package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/session"
	"github.com/ssohelper/ssohelper/keystore"
)

// revokeTimeout bounds the revocation call of one profile.
const revokeTimeout = 15 * time.Second

func (a *app) logoutCmd() *cobra.Command {
	var all, browserSession, purge, force bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the refresh token and delete the saved sign-in",
		Long: `logout revokes the profile's refresh token at the identity provider
(Cognito's /oauth2/revoke, which also invalidates the tokens it issued) and
deletes the saved sign-in. With --browser it also ends the identity
provider's browser session (Cognito's /logout, which needs logout_uri in the
profile registered as a sign-out URL), so the next sign-in can pick another
account. --all signs out of every profile; --purge also deletes the stored
client secrets.

A saved sign-in that cannot be opened (keyring unreachable or locked, or
its vault key gone) is left alone, because its refresh token could not be
revoked; --force deletes it anyway. A damaged one is always deleted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if all && a.g.profile != "" {
				return usagef("use either --all or --profile")
			}
			if all {
				return a.logoutAll(cmd.Context(), purge, force)
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			if browserSession && p.LogoutURI == "" {
				return errNoLogoutURI(p)
			}
			if err := a.logout(cmd.Context(), p, purge, force); err != nil {
				return err
			}
			if browserSession {
				return a.endBrowserSession(cmd.Context(), p)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "sign out of every profile with a saved sign-in")
	f.BoolVar(&browserSession, "browser", false, "also end the identity provider's browser session (opens the browser)")
	f.BoolVar(&purge, "purge", false, "also delete the profile's stored client secrets")
	f.BoolVar(&force, "force", false, "delete a saved sign-in even when it cannot be opened (it is then not revoked)")
	return cmd
}

// logout revokes and wipes one profile. A failed revocation is reported,
// but the local sign-in is deleted anyway: the user asked to be signed out.
// A sign-in that cannot be read (the keyring is unreachable, locked, or
// lost its key) is never deleted unrevoked unless force is set: its refresh
// token would stay valid at the provider with nobody able to revoke it.
func (a *app) logout(ctx context.Context, p config.Profile, purge, force bool) error {
	m, st, err := a.manager(p)
	if err != nil {
		return err
	}
	s, err := m.Load(ctx)
	switch {
	case errors.Is(err, session.ErrDamaged), errors.Is(err, keystore.ErrCorrupt):
		// Read, and found damaged: nobody can ever revoke what is in it.
		fmt.Fprintf(a.env.Stderr, "The saved sign-in of profile %s is damaged (%v), so its refresh token cannot be revoked; deleting it.\n", p.Name, err)
		fmt.Fprintln(a.env.Stderr, "  If that token was copied elsewhere, it stays valid at the identity provider until it expires.")
	case errors.Is(err, auth.ErrLoginRequired):
		fmt.Fprintf(a.env.Stderr, "Profile %s was not signed in.\n", p.Name)
	case err != nil && force:
		fmt.Fprintf(a.env.Stderr, "The saved sign-in of profile %s cannot be opened (%v); deleting it without revoking (--force).\n", p.Name, err)
		fmt.Fprintln(a.env.Stderr, "  Its refresh token stays valid at the identity provider until it expires.")
	case err != nil:
		return &hintError{
			fmt.Errorf("nothing was deleted: the saved sign-in of profile %s cannot be opened, so its refresh token cannot be revoked: %w", p.Name, err),
			"run `ssohelper logout --force` to delete it without revoking", false,
		}
	case s.RefreshToken != "":
		lp := m.Provider.(*lazyProvider)
		if m.Check(s) != nil {
			// Revoke where the token came from, never at the provider the
			// profile names now.
			fmt.Fprintf(a.env.Stderr, "The saved sign-in of profile %s was made with issuer %s and client %s; revoking it there.\n", p.Name, s.Issuer, s.ClientID)
			lp = &lazyProvider{a: a, p: config.Profile{Name: p.Name, Issuer: s.Issuer, ClientID: s.ClientID}.WithDefaults()}
		}
		a.revoke(ctx, lp, p, s)
	}
	if s != nil && s.Platform != nil && s.Platform.Expiry.After(a.env.Now()) {
		fmt.Fprintf(a.env.Stderr, "The platform cannot revoke its token: a copy taken before now stays valid until %s.\n", when(s.Platform.Expiry, a.env.Now()))
	}
	if err := m.Delete(ctx); err != nil {
		return fmt.Errorf("deleting the saved sign-in: %w", err)
	}
	if purge {
		for _, which := range []string{"client", "platform"} {
			if err := st.Delete(ctx, secretName(p.Name, which)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return fmt.Errorf("deleting the %s secret: %w", which, err)
			}
		}
	}
	if s != nil {
		c := displayClaims(s.Claims)
		fmt.Fprintf(a.env.Stderr, "Signed out of profile %s (%s).\n", p.Name, c.DisplayName())
	}
	return nil
}

// revoke revokes s's refresh token at the provider and says how it went;
// when it fails, it says how long the token stays valid.
func (a *app) revoke(ctx context.Context, lp *lazyProvider, p config.Profile, s *auth.Session) {
	ctx, cancel := context.WithTimeout(ctx, revokeTimeout)
	defer cancel()
	prov, err := lp.get(ctx)
	if err == nil {
		err = prov.Revoke(ctx, s.RefreshToken)
	}
	until := "until it expires (the app client's refresh token expiration)"
	if !s.SessionEnd.IsZero() {
		until = "until " + when(s.SessionEnd, a.env.Now())
	}
	switch {
	case errors.Is(err, auth.ErrNoRevocation):
		fmt.Fprintf(a.env.Stderr, "The identity provider of profile %s cannot revoke tokens: the refresh token stays valid there %s.\n", p.Name, until)
	case err != nil:
		fmt.Fprintf(a.env.Stderr, "Could not revoke the refresh token of profile %s: %v\n", p.Name, err)
		fmt.Fprintf(a.env.Stderr, "  It stays valid at the identity provider %s; the local copy is deleted anyway.\n", until)
	default:
		fmt.Fprintf(a.env.Stderr, "Revoked the refresh token of profile %s at the identity provider.\n", p.Name)
	}
}

// logoutAll signs out of every profile that has a saved sign-in.
func (a *app) logoutAll(ctx context.Context, purge, force bool) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	names, err := st.Names(ctx)
	if err != nil {
		return err
	}
	path, err := a.configPath()
	if err != nil {
		return err
	}
	f, err := config.Load(path)
	if err != nil {
		return err
	}
	n := 0
	for _, name := range names {
		prof, ok := strings.CutPrefix(name, session.Name(""))
		if !ok {
			continue
		}
		n++
		p, known := f.Profiles[prof]
		if !known {
			// The session remembers its provider, enough to revoke there.
			fmt.Fprintf(a.env.Stderr, "Profile %s is no longer in the config file; signing out with the provider it used.\n", prof)
		}
		p.Name = prof
		if err := a.logout(ctx, p.WithDefaults(), purge, force); err != nil {
			return err
		}
	}
	if n == 0 {
		fmt.Fprintln(a.env.Stderr, "No profile was signed in.")
	}
	return nil
}
