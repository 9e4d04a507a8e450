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
	// ManagedBy is the IT admin's config file that defines the profile.
	ManagedBy string `json:"managed_by,omitempty"`
	// Settings are the profile's effective values and their origins.
	Settings []config.Setting `json:"settings"`
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
	var settings bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show who is signed in and when each token expires (no network)",
		Long: `status shows the saved sign-in of a profile: who, which groups, the platform
scope, when each token expires and when the session ends for good, and
which store keeps it, and where the profile's settings come from (the IT
admin's system config, your file, a flag or variable, or a default;
--settings lists each value). It reads only the local store. Exit code 4
when the profile is not signed in. --format json prints the same on stdout.`,
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
			v := statusView{Profile: p.Name, Issuer: p.IssuerURL(), Store: st.Describe(), PlatformKind: p.Platform.Kind,
				ManagedBy: p.Managed, Settings: p.Settings()}
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
				// Signed out, status says one thing (and where the IT
				// admin manages the profile); --settings says the rest.
				for i, line := range originSummary(p) {
					if s != nil || settings || (i == 0 && p.Managed != "") {
						fmt.Fprintf(a.env.Stderr, "  config:        %s\n", line)
					}
				}
				if settings {
					printSettings(a.env.Stderr, p.Settings())
				}
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
	cmd.Flags().BoolVar(&settings, "settings", false, "list every setting of the profile and where it comes from")
	return cmd
}

// originSummary says where p's settings come from, one line per origin
// other than the built-in defaults: "managed by FILE (locked: …)", "FILE:
// keys", "--flag: key".
func originSummary(p config.Profile) []string {
	byOrigin := map[string][]string{}
	var order []string
	var locked []string
	for _, s := range p.Settings() {
		if s.Origin == config.OriginDefault || s.Origin == config.OriginDerived {
			continue
		}
		if s.Locked {
			locked = append(locked, s.Key)
		}
		if _, ok := byOrigin[s.Origin]; !ok {
			order = append(order, s.Origin)
		}
		byOrigin[s.Origin] = append(byOrigin[s.Origin], s.Key)
	}
	var out []string
	if p.Managed != "" {
		out = append(out, fmt.Sprintf("managed by your IT admin in %s; locked: %s", p.Managed, strings.Join(locked, ", ")))
	}
	for _, o := range order {
		out = append(out, fmt.Sprintf("from %s: %s", o, strings.Join(byOrigin[o], ", ")))
	}
	return append(out, "everything else: built-in defaults")
}

// printSettings lists settings as "key = value  (origin)".
func printSettings(w io.Writer, settings []config.Setting) {
	width := 0
	for _, s := range settings {
		width = max(width, len(s.Key))
	}
	for _, s := range settings {
		lock := ""
		if s.Locked {
			lock = ", locked"
		}
		fmt.Fprintf(w, "    %-*s = %s  (%s%s)\n", width, s.Key, sanitize.Text(s.Value), s.Origin, lock)
	}
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
