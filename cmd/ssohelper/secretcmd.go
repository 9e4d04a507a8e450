package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// maxSecret bounds a secret read from stdin.
const maxSecret = 4096

func (a *app) setSecretCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "set-secret client|platform",
		Short: "Store the app client secret or the platform client app secret (read from stdin)",
		Long: `set-secret reads one line from stdin and keeps it in the secret store for the
selected profile: "client" is the Cognito app client secret of a confidential
client, "platform" the platform's Client App Secret. Secrets never go in the
config file. The environment variables SSOHELPER_CLIENT_SECRET and
SSOHELPER_PLATFORM_SECRET take precedence when set.

  printf '%s\n' "$SECRET" | ssohelper config set-secret platform --profile work`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"client", "platform"},
		RunE: func(cmd *cobra.Command, args []string) error {
			which := args[0]
			if which != "client" && which != "platform" {
				return usagef("say which secret: client or platform")
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			secret, err := readSecret(a.env.Stdin)
			if err != nil {
				return err
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			if err := st.Put(cmd.Context(), secretName(p.Name, which), []byte(secret)); err != nil {
				return fmt.Errorf("storing the %s secret: %w", which, err)
			}
			fmt.Fprintf(a.env.Stderr, "Stored the %s secret of profile %s in %s.\n", which, p.Name, st.Describe())
			return nil
		},
	}
}

func (a *app) deleteSecretCmd() *cobra.Command {
	return &cobra.Command{
		Use:       "delete-secret client|platform",
		Short:     "Delete a stored secret of the selected profile",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"client", "platform"},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			err = st.Delete(cmd.Context(), secretName(p.Name, args[0]))
			if err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "Deleted the %s secret of profile %s.\n", args[0], p.Name)
			return nil
		},
	}
}

// readSecret reads the first line of r, trimmed.
func readSecret(r interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxSecret), maxSecret)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", usagef("reading the secret from stdin: %v", err)
		}
		return "", usagef("no secret on stdin; pipe it in, e.g. printf '%%s\\n' \"$SECRET\" | ssohelper config set-secret ...")
	}
	s := strings.TrimSpace(sc.Text())
	if s == "" {
		return "", usagef("the secret on stdin is empty")
	}
	return s, nil
}
