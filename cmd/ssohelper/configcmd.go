package main

import (
	"fmt"
	"os"

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
			RunE: func(*cobra.Command, []string) error {
				p, err := a.profile(config.Overrides{})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "Profile %s is valid: issuer %s, redirect URIs to register:\n", p.Name, p.IssuerURL())
				for _, port := range p.RedirectPorts {
					fmt.Fprintf(a.env.Stdout, "%s\n", p.RedirectURI(port))
				}
				return nil
			},
		},
	)
	return cmd
}
