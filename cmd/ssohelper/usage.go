package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// usageErr is a mistake in how ssohelper was called or set up, which the
// user fixes (exit code 3). Its message says what to do.
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

// Is makes every usage error match errUsage.
func (e *usageErr) Is(target error) bool { return target == errUsage }

func usagef(format string, a ...any) error { return &usageErr{fmt.Sprintf(format, a...)} }

// maxUsageLine bounds the first line of a parser error, which may quote
// an argument of any length.
const maxUsageLine = 300

// usageError marks an error from the command-line parser. "(see --help)"
// ends its first line; cobra's suggestions ("Did you mean this?") follow.
func usageError(err error) error {
	first, rest, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	if len(first) > maxUsageLine { // cobra quotes the whole argument back
		first = first[:maxUsageLine] + "…"
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		rest = "\n" + rest
	}
	return usagef("%s (see --help)%s", first, rest)
}

// strictArgs makes argument mistakes of cmd and its subcommands usage
// errors (exit code 3), like flag mistakes.
func strictArgs(cmd *cobra.Command) {
	if args := cmd.Args; args != nil {
		cmd.Args = func(c *cobra.Command, a []string) error {
			if err := args(c, a); err != nil {
				return usageError(err)
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		strictArgs(sub)
	}
}
