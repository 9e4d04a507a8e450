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
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, auth.ErrLoginRequired):
		return exitSignInNeed
	case errors.Is(err, context.Canceled), errors.As(err, &authErr) && authErr.Code == "access_denied":
		return exitCancelled
	case errors.As(err, &valErr), errors.Is(err, errUsage), errors.Is(err, config.ErrInvalid),
		errors.Is(err, config.ErrNoProfile), errors.Is(err, config.ErrUnknownProfile):
		return exitConfig
	}
	return exitError
}

// report prints err for people on stderr.
func report(w io.Writer, err error) {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "ssohelper: cancelled")
		return
	}
	fmt.Fprintf(w, "ssohelper: %v\n", err)
}

// explain adds what to do to errors that need knowledge of this run.
func (a *app) explain(err error) error {
	switch {
	case strings.HasPrefix(err.Error(), "unknown command ") && !errors.Is(err, errUsage):
		return usageError(err)
	case errors.Is(err, keystore.ErrKeyringUnavailable) && !a.g.fileStore:
		if _, serr := os.Stat(filepath.Join(a.env.DataDir, "vault.key")); serr == nil {
			return fmt.Errorf("%w\nYour sign-in was saved in the file store: add --insecure-file-store or set %s=1", err, envFileStore)
		}
	}
	return err
}
