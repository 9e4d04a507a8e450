package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

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

// logout signs one profile out through the account layer (revoke, then
// delete) and tells the user what happened.
func (a *app) logout(ctx context.Context, p config.Profile, purge, force bool) error {
	m, st, err := a.manager(p)
	if err != nil {
		return err
	}
	res, err := m.SignOut(ctx, force)
	if errors.Is(err, account.ErrUnreadable) {
		return &hintError{fmt.Errorf("nothing was deleted: profile %s: %w", p.Name, err),
			"run `ssohelper logout --force` to delete it without revoking", false}
	}
	if err != nil {
		return err
	}
	a.reportSignOut(p, res)
	if purge {
		for _, which := range []string{"client", "platform"} {
			if err := st.Delete(ctx, secretName(p.Name, which)); err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return fmt.Errorf("deleting the %s secret: %w", which, err)
			}
		}
	}
	return nil
}

// reportSignOut tells the user what SignOut did, and what stays valid.
func (a *app) reportSignOut(p config.Profile, res *account.SignOutResult) {
	w, now, s := a.env.Stderr, a.env.Now(), res.Gone
	switch {
	case res.NotSignedIn:
		fmt.Fprintf(w, "Profile %s was not signed in.\n", p.Name)
		return
	case res.Unrevoked != nil && errors.Is(res.Unrevoked, account.ErrDamaged):
		fmt.Fprintf(w, "The saved sign-in of profile %s is damaged, so its refresh token cannot be revoked; deleted it.\n", p.Name)
		fmt.Fprintln(w, "  If that token was copied elsewhere, it stays valid at the identity provider until it expires.")
		return
	case res.Unrevoked != nil:
		fmt.Fprintf(w, "The saved sign-in of profile %s cannot be opened (%v); deleted it without revoking (--force).\n", p.Name, res.Unrevoked)
		fmt.Fprintln(w, "  Its refresh token stays valid at the identity provider until it expires.")
		return
	}
	if res.OtherBinding {
		fmt.Fprintf(w, "The saved sign-in of profile %s was made with issuer %s and client %s; revoked it there.\n", p.Name, s.Issuer, s.ClientID)
	}
	until := "until it expires (the app client's refresh token expiration)"
	if !s.SessionEnd.IsZero() {
		until = "until " + when(s.SessionEnd, now)
	}
	switch {
	case res.Revoked:
		fmt.Fprintf(w, "Revoked the refresh token of profile %s at the identity provider.\n", p.Name)
	case errors.Is(res.RevokeErr, auth.ErrNoRevocation):
		fmt.Fprintf(w, "The identity provider of profile %s cannot revoke tokens: the refresh token stays valid there %s.\n", p.Name, until)
	case errors.Is(res.RevokeErr, auth.ErrRevocationOff):
		fmt.Fprintf(w, "Token revocation is turned off for the app client of profile %s: the refresh token stays valid at the identity provider %s.\n", p.Name, until)
		fmt.Fprintln(w, "  Ask your IT team to turn it on (Cognito: App client > Advanced security settings > Enable token revocation); the local copy is deleted anyway.")
	case res.RevokeErr != nil:
		fmt.Fprintf(w, "Could not revoke the refresh token of profile %s: %v\n", p.Name, res.RevokeErr)
		fmt.Fprintf(w, "  It stays valid at the identity provider %s; the local copy is deleted anyway.\n", until)
	}
	if s.Platform != nil && s.Platform.Expiry.After(now) {
		fmt.Fprintf(w, "The platform cannot revoke its token: a copy taken before now stays valid until %s.\n", when(s.Platform.Expiry, now))
	}
	c := displayClaims(s.Claims)
	fmt.Fprintf(w, "Signed out of profile %s (%s).\n", p.Name, c.DisplayName())
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
	_, f, err := a.configFile()
	if err != nil {
		return err
	}
	n := 0
	for _, name := range names {
		prof, ok := strings.CutPrefix(name, account.Name(""))
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
