package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/loopback"
	"github.com/ssohelper/ssohelper/keystore"
)

// Exit codes, documented in the README.
const (
	exitOK         = 0
	exitError      = 1
	exitCancelled  = 2
	exitConfig     = 3
	exitSignInNeed = 4
)

// errUsage marks command-line mistakes found by our own checks.
var errUsage = errors.New("usage")

// exitCode maps an error to the process exit code, in one place.
func exitCode(err error) int {
	var authErr *loopback.AuthError
	var valErr *config.ValidationError
	var child *childExit
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &child):
		return child.code
	case errors.Is(err, auth.ErrLoginRequired):
		return exitSignInNeed
	case errors.Is(err, context.Canceled), errors.As(err, &authErr) && authErr.Code == "access_denied":
		return exitCancelled
	case errors.As(err, &valErr), errors.Is(err, errUsage), errors.Is(err, config.ErrInvalid), errors.Is(err, auth.ErrProviderConfig),
		errors.Is(err, config.ErrNoProfile), errors.Is(err, config.ErrUnknownProfile),
		errors.Is(err, config.ErrManaged), errors.Is(err, config.ErrSecretFile):
		return exitConfig
	}
	return exitError
}

// report prints err for people on stderr: what to do first, when the
// error knows (a Hint), then what went wrong.
func report(w io.Writer, err error) {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "ssohelper: cancelled")
		return
	}
	if _, ok := err.(*reported); ok {
		return
	}
	if child := (*childExit)(nil); errors.As(err, &child) {
		return // the command's own exit code: it said what it had to say
	}
	for i, h := range hints(err) {
		lead := "to fix:"
		if i > 0 {
			lead = "or:"
		}
		fmt.Fprintf(w, "ssohelper: %s %s\n", lead, h)
	}
	fmt.Fprintf(w, "ssohelper: %v\n", err)
}

// hints lists the Hint of every error in err's chain: those about the
// cause first, then the innermost (the one closest to the cause) first.
func hints(err error) []string {
	var out, lead []string
	for err != nil {
		if h, ok := err.(*hintError); ok && h.first {
			lead = append(lead, h.hint)
		} else if h, ok := err.(interface{ Hint() string }); ok && h.Hint() != "" {
			out = append([]string{h.Hint()}, out...)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				out = append(hints(e), out...)
			}
			err = nil
		default:
			err = nil
		}
	}
	return append(lead, out...)
}

// reported is an error the command already told the user about in its
// own words; it sets the exit code and prints nothing more.
type reported struct{ err error }

func (e *reported) Error() string { return e.err.Error() }
func (e *reported) Unwrap() error { return e.err }

// hintError gives err a one-line hint of what to do, which report prints
// before the error. A hint about the cause (first) leads the list.
type hintError struct {
	err   error
	hint  string
	first bool
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }
func (e *hintError) Hint() string  { return e.hint }

// explain adds what to do to errors that need knowledge of this run.
func (a *app) explain(err error) error {
	switch {
	case strings.HasPrefix(err.Error(), "unknown command ") && !errors.Is(err, errUsage):
		return usageError(err)
	case (errors.Is(err, keystore.ErrKeyringUnavailable) || errors.Is(err, keystore.ErrKeyLost)) && !a.fileStore():
		if _, serr := os.Stat(filepath.Join(a.env.DataDir, "vault.key")); serr == nil {
			return &hintError{err, fmt.Sprintf("your sign-in may be in the file store: add --insecure-file-store (or set %s=1)", envFileStore), true}
		}
	}
	return err
}
