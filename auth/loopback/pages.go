package loopback

import "github.com/ssohelper/ssohelper/assets"

// The texts the browser shows. None of them carries a code, state or token.
var (
	pageSuccess = assets.Page{
		Title:   "Signed in",
		Message: "You are signed in. You can return to your app.",
	}
	pageReceived = assets.Page{
		Title:   "Sign-in received",
		Message: "ssohelper received your sign-in. You can return to your app.",
		Hint:    "If anything goes wrong from here, ssohelper will tell you.",
	}
	pageCancelled = assets.Page{
		Title:   "Sign-in cancelled",
		Message: "You cancelled the sign-in. Nothing was changed.",
		Hint:    "Start sign-in again from ssohelper when you are ready.",
	}
	pageProviderError = assets.Page{
		Title:   "Sign-in failed",
		Message: "The identity provider refused the sign-in.",
		Hint:    "Start sign-in again from ssohelper; if it keeps failing, ask your IT admin.",
	}
	pageStateMismatch = assets.Page{
		Title:   "Sign-in not accepted",
		Message: "This response does not belong to the sign-in ssohelper started, so it was ignored.",
		Hint:    "Start sign-in again from ssohelper. If several sign-in tabs are open, close the older ones.",
	}
	pageIssuerMismatch = assets.Page{
		Title:   "Sign-in not accepted",
		Message: "This response came from a different identity provider than the one ssohelper asked.",
		Hint:    "Start sign-in again; if it keeps happening, ask your IT admin to check the ssohelper profile.",
	}
	pageNoCode = assets.Page{
		Title:   "Sign-in failed",
		Message: "The identity provider's response did not include a sign-in code.",
		Hint:    "Start sign-in again from ssohelper.",
	}
	pageFinished = assets.Page{
		Title:   "Sign-in already finished",
		Message: "This sign-in is already finished; loading the page again changes nothing.",
		Hint:    "To sign in again, start from ssohelper.",
	}
	pageStopped = assets.Page{
		Title:   "Sign-in stopped",
		Message: "ssohelper is no longer waiting for this sign-in.",
		Hint:    "Start sign-in again from ssohelper.",
	}
	pageNothing = assets.Page{
		Title:   "Nothing to do here",
		Message: "This address only receives sign-in responses from your identity provider.",
	}
	pageBadHost = assets.Page{
		Title:   "Bad request",
		Message: "ssohelper's sign-in server only answers requests addressed to localhost.",
	}
	pageNotFound = assets.Page{
		Title:   "Not found",
		Message: "ssohelper's sign-in server has no page at this address.",
	}
	pageMethod = assets.Page{
		Title:   "Method not allowed",
		Message: "ssohelper's sign-in server only answers GET requests.",
	}
)
