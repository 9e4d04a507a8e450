package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// statusView is what `status --format json` prints. It holds no token.
type statusView struct {
	Profile       string        `json:"profile"`
	SignedIn      bool          `json:"signed_in"`
	Issuer        string        `json:"issuer"`
	Store         string        `json:"store"`
	User          *userView     `json:"user,omitempty"`
	PlatformKind  string        `json:"platform_kind"`
	Platform      *platformView `json:"platform,omitempty"`
	IDTokenExpiry *time.Time    `json:"id_token_expires_at,omitempty"`
	AccessExpiry  *time.Time    `json:"access_token_expires_at,omitempty"`
	Refreshable   bool          `json:"refreshable"`
	SessionEnd    *time.Time    `json:"session_ends_at,omitempty"`
	SignedInAt    *time.Time    `json:"signed_in_at,omitempty"`
	Problem       string        `json:"problem,omitempty"`
}

type userView struct {
	Name     string   `json:"name"`
	Username string   `json:"username,omitempty"`
	Email    string   `json:"email,omitempty"`
	Subject  string   `json:"subject"`
	Groups   []string `json:"groups,omitempty"`
}

type platformView struct {
	Scope     string    `json:"scope"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (a *app) statusCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show who is signed in and when each token expires (no network)",
		Long: `status shows the saved sign-in of a profile: who, which groups, the platform
scope, when each token expires and when the session ends for good, and
which store keeps it. It reads only the local store. Exit code 4 when the
profile is not signed in. --format json prints the same on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usagef("--format must be text or json")
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			m, st, err := a.manager(p)
			if err != nil {
				return err
			}
			v := statusView{Profile: p.Name, Issuer: p.IssuerURL(), Store: st.Describe(), PlatformKind: p.Platform.Kind}
			s, lerr := m.Load(cmd.Context())
			if lerr != nil && !errors.Is(lerr, auth.ErrLoginRequired) {
				return lerr
			}
			var problem error
			if s != nil {
				if problem = m.Check(s); problem != nil {
					// Not usable with the profile as it is now: say why.
					v.Problem, s = problem.Error(), nil
				} else {
					fillStatus(&v, s)
				}
			}
			if format == "json" {
				enc := json.NewEncoder(a.env.Stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(v); err != nil {
					return err
				}
			} else {
				printStatus(a.env.Stderr, v, a.env.Now())
			}
			if s == nil {
				err := problem
				if err == nil {
					err = fmt.Errorf("%w: profile %s is not signed in; run `ssohelper login`", auth.ErrLoginRequired, p.Name)
				}
				if format == "text" {
					return &reported{err} // printStatus said it
				}
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text (stderr) or json (stdout)")
	return cmd
}

func fillStatus(v *statusView, s *auth.SignIn) {
	v.SignedIn = true
	c := displayClaims(s.Claims)
	v.User = &userView{Name: c.DisplayName(), Username: c.Username, Email: c.Email, Subject: c.Subject, Groups: c.Groups}
	if s.Platform != nil {
		v.Platform = &platformView{Scope: sanitize.Text(s.Platform.Scope), ExpiresAt: s.Platform.Expiry}
	}
	v.IDTokenExpiry = timePtr(s.Claims.Expiry) // the id_token's own exp
	v.AccessExpiry = timePtr(s.Expiry)         // expires_in of the token answer
	v.Refreshable = s.RefreshToken != "" || (s.Platform != nil && s.Platform.RefreshToken != "")
	v.SessionEnd = timePtr(s.SessionEnd)
	v.SignedInAt = timePtr(s.SignedInAt)
}

func printStatus(w io.Writer, v statusView, now time.Time) {
	switch {
	case v.Problem != "":
		fmt.Fprintf(w, "Profile %s: not usable: %s\n", v.Profile, strings.TrimPrefix(v.Problem, auth.ErrLoginRequired.Error()+": "))
		return
	case !v.SignedIn:
		fmt.Fprintf(w, "Profile %s: not signed in (issuer %s); run `ssohelper login`.\n", v.Profile, v.Issuer)
		return
	}
	u := v.User
	fmt.Fprintf(w, "Profile %s: signed in as %s", v.Profile, u.Name)
	if u.Email != "" && u.Email != u.Name {
		fmt.Fprintf(w, " <%s>", u.Email)
	}
	fmt.Fprintln(w)
	if len(u.Groups) > 0 {
		fmt.Fprintf(w, "  groups:        %s\n", strings.Join(u.Groups, ", "))
	}
	if v.Platform != nil {
		fmt.Fprintf(w, "  platform:      %s, scope %s, token valid until %s\n", v.PlatformKind, v.Platform.Scope, when(v.Platform.ExpiresAt, now))
	} else {
		fmt.Fprintf(w, "  platform:      %s\n", v.PlatformKind)
	}
	if v.IDTokenExpiry != nil {
		fmt.Fprintf(w, "  id token:      valid until %s\n", when(*v.IDTokenExpiry, now))
	}
	if v.AccessExpiry != nil {
		fmt.Fprintf(w, "  access token:  valid until %s\n", when(*v.AccessExpiry, now))
	}
	switch {
	case v.SessionEnd != nil:
		fmt.Fprintf(w, "  session ends:  %s (then sign in again)\n", when(*v.SessionEnd, now))
	case !v.Refreshable:
		fmt.Fprintln(w, "  session ends:  when the token expires (no refresh token)")
	}
	fmt.Fprintf(w, "  store:         %s\n", v.Store)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
