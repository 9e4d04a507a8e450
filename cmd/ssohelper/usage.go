package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// usageErr is a mistake in how ssohelper was called or set up, which the
// user fixes (exit code 3). Its message says what to do.
type usageErr struct{ msg string }

func (e *usageErr) Error() string { return e.msg }

// Is makes every usage error match errUsage.
func (e *usageErr) Is(target error) bool { return target == errUsage }

func usagef(format string, a ...any) error { return &usageErr{fmt.Sprintf(format, a...)} }

// usageError marks an error from the command-line parser.
func usageError(err error) error { return usagef("%v (see --help)", err) }

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
