package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/mapping"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// mappingFlags are claims' mapping-preview flags.
type mappingFlags struct {
	rights, groups                 string // files
	accessClaim, groupsClaim       string
	keyNode, accessNode, groupNode string
	emailDomains                   []string
}

func (a *app) claimsCmd() *cobra.Command {
	var format string
	var mf mappingFlags
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "Show the signed-in user's id_token claims and what the platform needs of them",
		Long: `claims shows the claims of the saved sign-in's id_token (never the token
itself): cognito:groups, custom: attributes and the standard ones, as the
identity provider sent them. For a platform profile it says whether the
claim the platform identifies users by (platform.external_user_id_claim,
default email) is there: without it the platform cannot provision the user.
It reads only the local store. --format json prints the same on stdout.

With the platform's mapping XML files (--access-rights, --groups) it
previews what the platform's just-in-time provisioning would assign this
user: the access right (the first value of --access-claim that has a
mapping), the groups (every value of --groups-claim), the values no mapping
names, and, with --email-domains, a warning when the email's domain is not
allowed. The node names are chosen per site: --key-node, --access-node,
--group-node.`,
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
			raw, err := tokenPayload(s.IDToken)
			if err != nil {
				return fmt.Errorf("the saved id_token: %w; sign in again", err)
			}
			claims := printable(raw)
			preview, warnings, err := mf.preview(raw)
			if err != nil {
				return err
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
				out := map[string]any{"profile": p.Name, "claims": claims, "needed": nonEmpty(need), "missing": nonEmpty(missing)}
				if preview != nil {
					out["provisioning"] = map[string]any{"access_right": preview.AccessRight, "groups": nonEmpty(preview.Groups),
						"unmapped": nonEmpty(preview.Unmapped), "warnings": nonEmpty(warnings)}
				}
				return json.NewEncoder(a.env.Stdout).Encode(out)
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
			if preview != nil {
				right := preview.AccessRight
				if right == "" {
					right = "none mapped: the site's default access right"
				}
				fmt.Fprintf(a.env.Stdout, "Provisioning preview:\n  access right  %s\n  groups        %s\n", sanitize.Text(right), sanitize.Text(orNone(strings.Join(preview.Groups, ", "))))
				if len(preview.Unmapped) > 0 {
					fmt.Fprintf(a.env.Stdout, "  unmapped      %s (no mapping names these values)\n", sanitize.Text(strings.Join(preview.Unmapped, ", ")))
				}
				for _, w := range warnings {
					fmt.Fprintf(a.env.Stdout, "WARNING: %s\n", w)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "text or json")
	f.StringVar(&mf.rights, "access-rights", "", "the platform's access-right mapping XML file")
	f.StringVar(&mf.groups, "groups", "", "the platform's user-group mapping XML file")
	f.StringVar(&mf.accessClaim, "access-claim", "custom:access_right", "the claim carrying the access right")
	f.StringVar(&mf.groupsClaim, "groups-claim", "cognito:groups", "the claim carrying the groups")
	f.StringVar(&mf.keyNode, "key-node", mapping.DefaultKeyNode, "the mapping XML's node of the external value")
	f.StringVar(&mf.accessNode, "access-node", mapping.DefaultAccessNode, "the node of the platform's access right")
	f.StringVar(&mf.groupNode, "group-node", mapping.DefaultGroupNode, "the node of the platform's groups (comma-separated)")
	f.StringSliceVar(&mf.emailDomains, "email-domains", nil, "the email domains the platform allows (comma-separated)")
	return cmd
}

// preview runs the mapping preview when a mapping file is given.
func (mf mappingFlags) preview(raw map[string]any) (*mapping.Preview, []string, error) {
	if mf.rights == "" && mf.groups == "" {
		if len(mf.emailDomains) > 0 {
			return &mapping.Preview{}, mf.domainWarnings(raw), nil
		}
		return nil, nil, nil
	}
	load := func(path, value string) (mapping.Map, error) {
		if path == "" {
			return nil, nil
		}
		doc, err := readMappingFile(path)
		if err != nil {
			return nil, usagef("%v", err)
		}
		m, err := mapping.Parse(doc, mf.keyNode, value)
		if err != nil {
			return nil, usagef("%s: %v", path, err)
		}
		return m, nil
	}
	rights, err := load(mf.rights, mf.accessNode)
	if err != nil {
		return nil, nil, err
	}
	groups, err := load(mf.groups, mf.groupNode)
	if err != nil {
		return nil, nil, err
	}
	p := mapping.Assign(rights, groups, mapping.ClaimValues(raw[mf.accessClaim]), mapping.ClaimValues(raw[mf.groupsClaim]))
	return &p, mf.domainWarnings(raw), nil
}

// domainWarnings warns when the email's domain is not allowed.
func (mf mappingFlags) domainWarnings(raw map[string]any) []string {
	if len(mf.emailDomains) == 0 {
		return nil
	}
	email, _ := raw["email"].(string)
	_, domain, ok := strings.Cut(email, "@")
	for _, d := range mf.emailDomains {
		if ok && strings.EqualFold(strings.TrimSpace(d), domain) {
			return nil
		}
	}
	return []string{fmt.Sprintf("the email %q is not in an allowed domain (%s): the platform will refuse this user",
		sanitize.Text(email), strings.Join(mf.emailDomains, ", "))}
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

// tokenPayload decodes a JWT's payload (already verified when it was
// saved).
func tokenPayload(jwt string) (map[string]any, error) {
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
	return m, nil
}

// printable is each claim's value as text: lists joined with ", ", times
// in RFC 3339, everything through the sanitiser.
func printable(m map[string]any) map[string]string {
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
	return out
}

// timeClaims are shown as times, not seconds since 1970.
var timeClaims = map[string]bool{"exp": true, "iat": true, "nbf": true, "auth_time": true}

func nonEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// readMappingFile reads a mapping XML file: a regular file of at most 1 MiB.
func readMappingFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file; give the mapping XML file the platform imports", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, err
	}
	if len(doc) > 1<<20 {
		return nil, fmt.Errorf("%s is larger than 1 MiB; that is not a mapping file", path)
	}
	return doc, nil
}
