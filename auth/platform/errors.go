package platform

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Sentinels wrapped by *Error; test them with errors.Is.
var (
	// ErrClientApp means the client app id, secret or scope is wrong: fix the configuration.
	ErrClientApp = errors.New("platform client app rejected")
	// ErrIdPNotFound means the site or identity provider does not exist on the platform.
	ErrIdPNotFound = errors.New("platform identity provider not found")
	// ErrNotAllowed means the platform refuses this user (email domain or user blocked).
	ErrNotAllowed = errors.New("user not allowed on the platform")
	// ErrInvalidIDToken means the platform rejected the id_token: sign in again, or check
	// the platform's IdP settings when it keeps happening.
	ErrInvalidIDToken = errors.New("platform rejected the id_token")
	// ErrUnavailable means the platform could not be reached or answered nonsense: retry later.
	ErrUnavailable = errors.New("platform unavailable")
	// ErrInvalidGrant means the platform refresh token is no longer valid: sign in again.
	ErrInvalidGrant = errors.New("platform refresh token invalid")
)

// Error is a failed platform call. Its message says what to do and never contains a
// token or a secret.
type Error struct {
	// Op is the step that failed: "app token", "provision" or "refresh".
	Op string
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Code and Description are the OAuth error fields of the response, if any, with any
	// secret the client knows redacted.
	Code, Description string
	// Hint says what to do.
	Hint string
	// RetryAfter is the server's Retry-After delay, when it sent one.
	RetryAfter time.Duration
	// Err is one of the sentinels.
	Err error
}

// Error renders "platform <op>: <hint> (HTTP <status> <code>: <description>)".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform %s: %s", e.Op, e.Hint)
	var detail []string
	if e.Status != 0 {
		detail = append(detail, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Code != "" {
		detail = append(detail, e.Code)
	}
	if e.Description != "" {
		detail = append(detail, e.Description)
	}
	if len(detail) > 0 {
		b.WriteString(" (" + strings.Join(detail, ": ") + ")")
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// redactor removes known secrets from text that came from the server.
type redactor []string

// clean returns s through the one sanitiser, with every secret the client
// sent and anything shaped like a JWT redacted and the length capped, so a
// misbehaving server cannot echo a token into our messages or steer the
// terminal.
func (r redactor) clean(s string) string { return sanitize.Redact(s, r...) }
