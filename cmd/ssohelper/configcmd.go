package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
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
		a.importCmd(),
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

// importCmd installs a config file an admin sent: checked whole and
// against the system config, the changes shown, and asked before writing.
func (a *app) importCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Install a config file from your IT team (checked, changes shown, asked first; the old one is kept as .bak)",
		Long: `import checks FILE whole (syntax, unknown keys, every profile, nothing the
IT admin's system config locks), shows what changes in the effective
configuration, and asks before writing it as your config file. The old file
is kept as config.toml.bak. --yes writes without asking (for scripts); with
no terminal and no --yes nothing is written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			path, err := a.configPath()
			if err != nil {
				return err
			}
			data, err := readSmall(args[0])
			if err != nil {
				return usagef("reading %s: %v", args[0], err)
			}
			next, err := config.Preview(data, args[0], a.env.SystemConfig)
			if err != nil {
				return fmt.Errorf("%w\nNothing was changed; ask your IT team for a corrected file", err)
			}
			cur, err := config.LoadMerged(a.env.SystemConfig, path)
			if err != nil {
				fmt.Fprintf(a.env.Stderr, "Your current config is not valid (%v); it will be kept as %s.bak.\n", err, path)
				cur = &config.File{Profiles: map[string]config.Profile{}}
			}
			changes := config.Diff(cur, next)
			if len(changes) == 0 {
				fmt.Fprintf(a.env.Stderr, "%s gives the same settings as your current config; nothing to do.\n", args[0])
				return nil
			}
			fmt.Fprintf(a.env.Stderr, "Importing %s into %s changes:\n", args[0], path)
			for _, c := range changes {
				fmt.Fprintln(a.env.Stderr, sanitize.Text(c.String()))
			}
			if !yes {
				ok, err := a.confirm("Write these changes? [y/N] ")
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(a.env.Stderr, "Nothing was changed.")
					return nil
				}
			}
			f, err := config.Import(data, path, a.env.SystemConfig)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "Installed %s with profiles %s. Run `ssohelper doctor` to check the set-up.\n",
				path, strings.Join(f.Names(), ", "))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "write without asking")
	return cmd
}

// confirm asks the person at the terminal a yes/no question; with no
// terminal it refuses and says to use --yes.
func (a *app) confirm(prompt string) (bool, error) {
	if a.env.ReadHidden == nil {
		return false, usagef("no terminal to ask; nothing was changed: re-run with --yes to write without asking")
	}
	fmt.Fprint(a.env.Stderr, prompt)
	line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// readSmall reads a file an admin sent, refusing what no config file is
// (a device, a FIFO, more than config.MaxFileSize bytes).
func readSmall(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, config.MaxFileSize+1))
}
