package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) tokenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print a valid platform token on stdout, renewing it when needed",
		Long: `token prints the profile's platform access token (for platform kind "none",
the identity provider's access token) on stdout and nothing else. It renews
the token when less than 5 minutes are left, and never opens a browser: when
only a browser sign-in can help it exits with code 4 and a one-line hint on
stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			m, _, err := a.manager(p)
			if err != nil {
				return err
			}
			s, err := m.Token(cmd.Context())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.env.Stdout, s.Token())
			return err
		},
	}
}
