package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

func (a *app) claimsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "Show the signed-in user's id_token claims and what the platform needs of them",
		Long: `claims shows the claims of the saved sign-in's id_token (never the token
itself): cognito:groups, custom: attributes and the standard ones, as the
identity provider sent them. For a platform profile it says whether the
claim the platform identifies users by (platform.external_user_id_claim,
default email) is there: without it the platform cannot provision the user.
It reads only the local store. --format json prints the same on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usagef("--format must be text or json")
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			m, _, err := a.manager(p)
			if err != nil {
				return err
			}
			s, err := m.Load(cmd.Context())
			if err != nil {
				return err
			}
			claims, err := tokenClaims(s.IDToken)
			if err != nil {
				return fmt.Errorf("the saved id_token: %w; sign in again", err)
			}
			var need, missing []string
			if p.Platform.Kind == config.KindEncodify {
				need = []string{p.Platform.UserIDClaim()}
			}
			for _, c := range need {
				if v, ok := claims[c]; !ok || v == "" {
					missing = append(missing, c)
				}
			}
			if format == "json" {
				return json.NewEncoder(a.env.Stdout).Encode(map[string]any{
					"profile": p.Name, "claims": claims, "needed": nonEmpty(need), "missing": nonEmpty(missing)})
			}
			names := make([]string, 0, len(claims))
			for k := range claims {
				names = append(names, k)
			}
			slices.SortFunc(names, func(x, y string) int { return strings.Compare(claimOrder(x)+x, claimOrder(y)+y) })
			fmt.Fprintf(a.env.Stdout, "Claims of profile %s's sign-in (id_token):\n", p.Name)
			tw := tabwriter.NewWriter(a.env.Stdout, 0, 4, 2, ' ', 0)
			for _, k := range names {
				fmt.Fprintf(tw, "  %s\t%s\n", k, claims[k])
			}
			_ = tw.Flush()
			for _, c := range need {
				if slices.Contains(missing, c) {
					fmt.Fprintf(a.env.Stdout, "MISSING: %s, the claim the platform identifies users by (platform.external_user_id_claim): "+
						"the platform cannot provision this user. Make the user pool send it (attribute and the app client's read permission), or set the claim the platform's mapping uses.\n", c)
				} else {
					fmt.Fprintf(a.env.Stdout, "The platform identifies this user by %s = %s.\n", c, claims[c])
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

// claimOrder sorts groups and custom attributes first: what mappings use.
func claimOrder(name string) string {
	switch {
	case name == "cognito:groups":
		return "0"
	case strings.HasPrefix(name, "custom:"):
		return "1"
	}
	return "2"
}

// tokenClaims decodes a JWT's payload (already verified when it was
// saved) into printable claim values: lists joined with ", ", every value
// through the sanitiser.
func tokenClaims(jwt string) (map[string]string, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	out := map[string]string{}
	for k, v := range m {
		var s string
		switch x := v.(type) {
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			s = strings.Join(parts, ", ")
		case float64:
			s = fmt.Sprint(int64(x))
			if timeClaims[k] {
				s = time.Unix(int64(x), 0).UTC().Format(time.RFC3339)
			}
		default:
			s = fmt.Sprint(x)
		}
		out[sanitize.Text(k)] = sanitize.Text(s)
	}
	return out, nil
}

// timeClaims are shown as times, not seconds since 1970.
var timeClaims = map[string]bool{"exp": true, "iat": true, "nbf": true, "auth_time": true}

func nonEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
