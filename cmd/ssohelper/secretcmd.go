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
		Short: "Store the app client secret or the platform client app secret",
		Long: `set-secret asks for the secret (hidden, twice) on a terminal, or reads one
line from stdin when it is piped in, and keeps it in the secret store for the
selected profile: "client" is the Cognito app client secret of a confidential
client, "platform" the platform's Client App Secret. Secrets never go in the
config file. The environment variables SSOHELPER_CLIENT_SECRET and
SSOHELPER_PLATFORM_SECRET take precedence when set.

  printf '%s\n' "$SECRET" | ssohelper config set-secret platform --profile work`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"client", "platform"},
		RunE: func(cmd *cobra.Command, args []string) error {
			which := args[0]
			p, err := a.secretProfile(which)
			if err != nil {
				return err
			}
			secret, err := a.readSecret(p, which)
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
			which := args[0]
			if which != "client" && which != "platform" {
				return usagef("say which secret: client or platform")
			}
			p, err := a.profile(config.Overrides{})
			if err != nil {
				return err
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			err = st.Delete(cmd.Context(), secretName(p.Name, which))
			if err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "Deleted the %s secret of profile %s.\n", which, p.Name)
			return nil
		},
	}
}

// secretProfile checks which and returns the profile whose secret it is;
// it refuses a secret the profile would never use.
func (a *app) secretProfile(which string) (config.Profile, error) {
	if which != "client" && which != "platform" {
		return config.Profile{}, usagef("say which secret: client or platform")
	}
	p, err := a.profile(config.Overrides{})
	if err != nil {
		return config.Profile{}, err
	}
	if which == "platform" && p.Platform.Kind != config.KindEncodify {
		return config.Profile{}, usagef("profile %s has platform kind %q, which uses no platform secret; set kind = %q in its [platform] table first", p.Name, p.Platform.Kind, config.KindEncodify)
	}
	return p, nil
}

// readSecret reads the secret: from a terminal, hidden and typed twice;
// otherwise the first line of stdin.
func (a *app) readSecret(p config.Profile, which string) (string, error) {
	if a.env.ReadHidden == nil {
		return readSecretLine(a.env.Stdin)
	}
	name := map[string]string{"client": "App client secret", "platform": "Platform Client App Secret"}[which]
	first, err := a.env.ReadHidden(fmt.Sprintf("%s of profile %s (typing is hidden): ", name, p.Name))
	if err != nil {
		return "", fmt.Errorf("reading the secret from the terminal: %w", err)
	}
	first = strings.TrimSpace(first)
	if first == "" {
		return "", usagef("the secret is empty; nothing was stored")
	}
	again, err := a.env.ReadHidden("Type it again to confirm: ")
	if err != nil {
		return "", fmt.Errorf("reading the secret from the terminal: %w", err)
	}
	if strings.TrimSpace(again) != first {
		return "", usagef("the two entries differ; nothing was stored, run the command again")
	}
	return first, nil
}

// readSecretLine reads the first line of r, trimmed.
func readSecretLine(r interface{ Read([]byte) (int, error) }) (string, error) {
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
