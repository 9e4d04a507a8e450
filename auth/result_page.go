package auth

import (
	"errors"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// resultPage is what the browser shows once the sign-in has ended: nil for
// the success page, else a fixed text per kind of failure. Error details
// stay in ssohelper's own output; the page never shows them.
func resultPage(err error) *assets.Page {
	hint := "The details are in ssohelper. Try again; if it keeps failing, ask your IT admin."
	switch {
	case err == nil:
		return nil
	case errors.Is(err, platform.ErrNotAllowed):
		return &assets.Page{Title: "Not allowed on the platform",
			Message: "You signed in, but the platform does not allow your account.",
			Hint:    "Ask your platform admin to allow your account or your email domain."}
	case errors.Is(err, ErrInvalidIDToken):
		return &assets.Page{Title: "Sign-in could not be verified",
			Message: "ssohelper could not verify the identity provider's answer, so it did not sign you in.", Hint: hint}
	case errors.As(err, new(*platform.Error)):
		return &assets.Page{Title: "Platform sign-in failed",
			Message: "You signed in, but the platform did not accept ssohelper's request.", Hint: hint}
	}
	return &assets.Page{Title: "Sign-in failed",
		Message: "ssohelper could not complete the sign-in.", Hint: hint}
}

// notKeptPage is the browser's page when the sign-in succeeded but could not
// be saved on this computer (Flow.Keep failed).
func notKeptPage() *assets.Page {
	return &assets.Page{Title: "Signed in, but not saved",
		Message: "You signed in, but ssohelper could not save the sign-in on this computer.",
		Hint:    "What went wrong and what to do are in ssohelper. Fix that, then sign in again."}
}
