package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Show, check and create the configuration"}
	cmd.AddCommand(
		a.setSecretCmd(),
		a.deleteSecretCmd(),
		&cobra.Command{
			Use: "path", Short: "Print the config file path (stdout)", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				path, err := a.configPath()
				if err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, path)
				return nil
			},
		},
		&cobra.Command{
			Use: "example", Short: "Print an example config file (stdout)", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				fmt.Fprint(a.env.Stdout, config.Example())
				return nil
			},
		},
		&cobra.Command{
			Use: "import FILE", Short: "Install a config file from your IT team (checked first; the old one is kept as .bak)",
			Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				path, err := a.configPath()
				if err != nil {
					return err
				}
				data, err := os.ReadFile(args[0])
				if err != nil {
					return usagef("reading %s: %v", args[0], err)
				}
				f, err := config.Import(data, path)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "Installed %s with profiles %s. Run `ssohelper config validate` to see the callback URLs to register.\n",
					path, strings.Join(f.Names(), ", "))
				return nil
			},
		},
		&cobra.Command{
			Use: "init", Short: "Write the example config file if none exists", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				path, err := a.configPath()
				if err != nil {
					return err
				}
				if _, err := os.Stat(path); err == nil {
					return usagef("%s already exists; edit it, or remove it first", path)
				}
				if err := writeNew(path, []byte(config.Example())); err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "Wrote %s; edit it, then run `ssohelper config validate`.\n", path)
				return nil
			},
		},
		&cobra.Command{
			Use: "validate", Short: "Check the selected profile and say what to fix", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				p, err := a.profile(config.Overrides{})
				if err != nil {
					return err
				}
				if f := placeholders(p); len(f) > 0 {
					return usagef("profile %s still holds the example's placeholder %s; put in your own values", p.Name, strings.Join(f, ", "))
				}
				a.warn(p)
				a.validateSecrets(cmd.Context(), p)
				fmt.Fprintf(a.env.Stderr, "Profile %s is valid: issuer %s, platform %s.\n", p.Name, p.IssuerURL(), p.Platform.Kind)
				if p.IsCognito() {
					fmt.Fprintf(a.env.Stderr, "Add these to the Allowed callback URLs of app client %s (Cognito console: App integration > App clients > Login pages):\n", p.ClientID)
				} else {
					fmt.Fprintf(a.env.Stderr, "Register these redirect URIs for client %s at the identity provider:\n", p.ClientID)
				}
				for _, port := range p.RedirectPorts {
					fmt.Fprintf(a.env.Stdout, "%s\n", p.RedirectURI(port))
				}
				if p.LogoutURI != "" {
					fmt.Fprintf(a.env.Stderr, "and this sign-out URL (for `logout --browser`): %s\n", p.LogoutURI)
				}
				return nil
			},
		},
	)
	return cmd
}

// warn prints what in p is allowed but probably a mistake.
func (a *app) warn(p config.Profile) {
	for _, w := range p.Warnings() {
		fmt.Fprintf(a.env.Stderr, "Warning: %s\n", w)
	}
}

// placeholders names the fields of p that still hold the example's values.
func placeholders(p config.Profile) []string {
	var f []string
	if p.UserPoolID == "eu-west-1_AbC123" {
		f = append(f, "user_pool_id")
	}
	if p.ClientID == "1example23456789abcdefghij" {
		f = append(f, "client_id")
	}
	if strings.Contains(p.Platform.BaseURL, "worker.example.com") {
		f = append(f, "platform.base_url")
	}
	if p.Platform.ClientAppID == "example-client-app" {
		f = append(f, "platform.client_app_id")
	}
	return f
}

// validateSecrets warns about secrets the profile needs but cannot find.
func (a *app) validateSecrets(ctx context.Context, p config.Profile) {
	need := map[string]bool{"client": p.Confidential, "platform": p.Platform.Kind == config.KindEncodify}
	for _, which := range []string{"client", "platform"} {
		if !need[which] {
			continue
		}
		if _, err := a.secret(ctx, p, which); err != nil {
			fmt.Fprintf(a.env.Stderr, "Warning: %v\n", err)
		}
	}
}
