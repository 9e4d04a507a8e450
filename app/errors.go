package app

import (
	"context"
	"errors"
	"net"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/loopback"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/keystore"
)

// plainWords says what went wrong in words a designer understands, and
// what to do. The technical error goes behind "Details".
func plainWords(err error) string {
	var authErr *loopback.AuthError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The sign-in took too long and was stopped. Try again."
	case errors.Is(err, keystore.ErrKeyringUnavailable), errors.Is(err, keystore.ErrKeyringTimeout):
		return "Your system keyring is locked or not running, so the sign-in cannot be saved. Unlock it (or log in to your desktop again) and try again."
	case errors.Is(err, keystore.ErrKeyLost), errors.Is(err, keystore.ErrKeyDamaged):
		return "The key that protects your saved sign-in is gone. Sign in again."
	case errors.Is(err, loopback.ErrPortsBusy):
		return "Another sign-in window is open, or another program uses the sign-in ports. Close it and try again."
	case errors.As(err, &authErr):
		return "The sign-in page reported a problem. This is usually a setting for your IT team (callback URL or scopes): send them the details."
	case errors.Is(err, platform.ErrNotAllowed):
		return "You signed in, but your account is not allowed on the platform. Ask your platform admin for access."
	case errors.Is(err, platform.ErrClientApp), errors.Is(err, platform.ErrIdPNotFound):
		return "The platform does not accept this sign-in setup. Send the details to your IT team."
	case errors.Is(err, platform.ErrUnavailable):
		return "The platform is not answering right now. Try again in a few minutes."
	case errors.Is(err, config.ErrInvalid):
		return "The configuration has a problem. Send the details to your IT team."
	case errors.Is(err, auth.ErrDiscovery), errors.As(err, &netErr):
		return "The sign-in service could not be reached. Check your network connection and try again."
	case errors.Is(err, auth.ErrInvalidIDToken):
		return "The sign-in answer could not be verified, so it was not used. Send the details to your IT team."
	}
	return "That did not work. Try again; if it keeps failing, send the details to your IT team."
}

// cancelledAtProvider reports whether the user pressed Cancel on the
// provider's sign-in page.
func cancelledAtProvider(err error) bool {
	var authErr *loopback.AuthError
	return errors.As(err, &authErr) && authErr.Cancelled()
}
