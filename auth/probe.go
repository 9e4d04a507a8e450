package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Refusal is the identity provider's refusal of a sign-in request, read
// from its answer to the authorize URL. It wraps [ErrProviderConfig] (the
// app client's set-up, not the user, is at fault) unless Transient.
type Refusal struct {
	// Code is the OAuth error ("redirect_mismatch", "invalid_scope", …),
	// or "" for a bare HTTP error page.
	Code string
	// Detail says what the answer means; Fix what to change, and where.
	Detail, Fix string
	// Callback is true when the provider sent the browser back to the
	// callback URL with the error: the loopback server sees it too.
	Callback bool
	// Transient is true for a 5xx answer: trying again may help.
	Transient bool
}

func (r *Refusal) Error() string { return r.Detail }

// Hint is the fix, for the IT team.
func (r *Refusal) Hint() string {
	if r.Transient {
		return r.Fix
	}
	return "ask your IT team: " + r.Fix
}

// Is makes a refusal match [ErrProviderConfig], unless it is transient.
func (r *Refusal) Is(target error) bool { return target == ErrProviderConfig && !r.Transient }

// Where the Cognito console keeps the app client settings a Refusal names.
const (
	callbackURLsSetting = "Cognito console: App integration > App clients > Login pages > Allowed callback URLs"
	scopesSetting       = "Cognito console: App integration > App clients > Login pages > OpenID Connect scopes"
	grantTypesSetting   = "Cognito console: App integration > App clients > Login pages > OAuth 2.0 grant types"
)

// ProbeAuthorize requests authURL (a complete authorize URL for p with
// redirect as its callback) without following redirects, as a browser's
// first step, and reads the answer: nil when a sign-in page answers (the
// client, callback URL and scopes are accepted), else a *Refusal saying
// what the answer means: Cognito's hosted error page (a redirect to
// /error?error=… on its own host: redirect_mismatch for a callback URL
// the app client lacks, invalid_request for an unknown client id), a
// redirect to the callback with an error (Cognito's answer to a scope the
// app client does not allow is error=invalid_request,
// error_description=invalid_scope), or an error page served straight away
// with a 4xx or 5xx. The error is a network failure. Provider text goes
// through the sanitiser.
func ProbeAuthorize(ctx context.Context, hc *http.Client, p config.Profile, authURL, redirect string) (*Refusal, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	c := *httpClient(hc)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Jar = nil
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	host := u.Host
	loc, _ := resp.Location()
	switch {
	case loc != nil && strings.HasPrefix(loc.String(), redirect) && loc.Query().Get("error") != "":
		r := refusal(p, redirect, host+" sends the browser back to the callback with", loc.Query(), false)
		r.Callback = true
		return r, nil
	case loc != nil && isErrorPage(loc, u):
		return refusal(p, redirect, host+" sends the browser to its error page:", loc.Query(), true), nil
	case loc != nil && loc.Query().Get("error") != "":
		return refusal(p, redirect, host+" sends the browser to an error page on "+loc.Host+":", loc.Query(), false), nil
	case resp.StatusCode >= 500:
		return &Refusal{Transient: true, Detail: fmt.Sprintf("%s answered the sign-in request with HTTP %d", host, resp.StatusCode),
			Fix: "the provider has a problem; try again later"}, nil
	case resp.StatusCode >= 400:
		return &Refusal{Detail: fmt.Sprintf("%s answered the sign-in request with HTTP %d, an error page that does not say why: most often the callback URL %s is not registered on app client %s, or the client id is wrong", host, resp.StatusCode, redirect, p.ClientID),
			Fix: "register the callback URLs on app client " + p.ClientID + " (" + callbackURLsSetting + "), and check the profile's client_id"}, nil
	}
	return nil, nil
}

// isErrorPage reports whether loc is the provider's own error page: the
// authorize endpoint's host, a path ending in /error, and an error
// parameter, as Cognito's hosted UI sends (/error?error=redirect_mismatch&client_id=…).
func isErrorPage(loc, endpoint *url.URL) bool {
	return strings.EqualFold(loc.Host, endpoint.Host) &&
		strings.HasSuffix(strings.TrimSuffix(loc.Path, "/"), "/error") &&
		loc.Query().Get("error") != ""
}

// refusal explains the error the authorize endpoint redirected with (q
// holds error and error_description); how says where it sent the
// browser. errorPage is true for the provider's own error page, where
// Cognito's invalid_request means it has no app client with this id.
func refusal(p config.Profile, redirect, how string, q url.Values, errorPage bool) *Refusal {
	code, desc := sanitize.Redact(q.Get("error")), sanitize.Redact(q.Get("error_description"))
	said := fmt.Sprintf("%s %q", how, code)
	if desc != "" {
		said += fmt.Sprintf(" (%q)", desc)
	}
	scopes := strings.Join(p.Scopes, " ")
	r := &Refusal{Code: code}
	switch {
	case code == "redirect_mismatch":
		r.Detail = fmt.Sprintf("%s: the callback URL %s is not registered on app client %s", said, redirect, p.ClientID)
		r.Fix = fmt.Sprintf("add %s and the profile's other callback URLs to app client %s, exactly as written (%s)", redirect, p.ClientID, callbackURLsSetting)
	case code == "invalid_scope" || strings.Contains(desc, "invalid_scope"):
		r.Code = "invalid_scope"
		r.Detail = fmt.Sprintf("%s: the scopes the profile asks for (%s) are not all allowed on app client %s", said, scopes, p.ClientID)
		r.Fix = fmt.Sprintf("allow the scopes %s on app client %s (%s), or remove the ones it lacks from the profile's scopes", scopes, p.ClientID, scopesSetting)
	case code == "invalid_request" && errorPage:
		r.Detail = fmt.Sprintf("%s: the user pool has no app client %s with a hosted sign-in", said, p.ClientID)
		r.Fix = "check the profile's client_id against the app client's id (Cognito console: App integration > App clients)"
	case code == "unauthorized_client":
		r.Detail = fmt.Sprintf("%s: app client %s may not use the authorization code grant", said, p.ClientID)
		r.Fix = fmt.Sprintf("allow the authorization code grant on app client %s (%s)", p.ClientID, grantTypesSetting)
	default:
		r.Detail = said
		r.Fix = fmt.Sprintf("check app client %s: the callback URLs, the scopes %s and the authorization code grant (Cognito console: App integration > App clients > Login pages)", p.ClientID, scopes)
	}
	return r
}
