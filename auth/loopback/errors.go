package loopback

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

var (
	// ErrPortsBusy means no port in Config.Ports could be bound on both
	// loopback addresses. The returned error wraps it and names every port
	// tried and what to do.
	ErrPortsBusy = errors.New("loopback: all sign-in callback ports are busy")

	// ErrStateMismatch marks a callback whose state was missing or did not
	// match. Wait does not return it: such a callback gets an error page
	// and the server keeps waiting for the real one.
	ErrStateMismatch = errors.New("loopback: the browser's sign-in response does not belong to this sign-in (state mismatch)")

	// ErrIssuerMismatch means the callback carried an iss parameter that is
	// not the expected issuer (RFC 9207 mix-up defence).
	ErrIssuerMismatch = errors.New("loopback: the browser's sign-in response came from an unexpected issuer")

	// ErrNoCode means the callback carried neither an error nor a usable
	// authorization code.
	ErrNoCode = errors.New("loopback: the browser's sign-in response carried no authorization code")

	// ErrClosed means Wait was called on, or interrupted by, a closed Server.
	ErrClosed = errors.New("loopback: server closed")
)

// AuthError is an error response from the authorization endpoint
// (RFC 6749 section 4.1.2.1): the error, error_description and error_uri
// parameters of the callback. The fields are cleaned: printable ASCII only,
// and cut to a sane length. Wait returns it as *AuthError.
type AuthError struct {
	Code        string
	Description string
	URI         string
}

// Cancelled reports whether the user cancelled the sign-in in the browser.
func (e *AuthError) Cancelled() bool { return e.Code == "access_denied" }

// Error gives a message for people: a cancelled sign-in reads as such, any
// other error names the provider's code and description.
func (e *AuthError) Error() string {
	if e.Cancelled() {
		return "sign-in was cancelled in the browser"
	}
	msg := "the identity provider refused the sign-in: " + e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// newAuthError keeps the fields through the one sanitiser, so a hostile
// redirect cannot steer a terminal, a page or a log; the code is cut short.
func newAuthError(code, description, uri string) *AuthError {
	code = sanitize.Redact(code)
	if len(code) > 64 {
		code = code[:64] + "..."
	}
	return &AuthError{Code: code, Description: sanitize.Redact(description), URI: sanitize.Redact(uri)}
}

// portsBusyError builds the ErrPortsBusy error for the ports tried, with
// the reason each one failed.
func portsBusyError(reasons []string, path string) error {
	return fmt.Errorf("%w (tried %s): another program, or another sign-in window, is using them; "+
		"finish or close the other sign-in, or add a free port to redirect_ports and register http://localhost:<port>%s in the app client",
		ErrPortsBusy, strings.Join(reasons, ", "), path)
}
