package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// ErrLoginRequired means the user must sign in again in the browser: the
// refresh token is gone, expired or revoked.
var ErrLoginRequired = errors.New("sign-in required")

// ErrProviderConfig means the identity provider's set-up for this app
// client is wrong: the IT admin, not the user, can fix it.
var ErrProviderConfig = errors.New("the identity provider's configuration for this app client is wrong")

// TokenError is an OAuth error answer from the provider's token endpoint
// (RFC 6749 section 5.2). It never holds a token or a code: its text went
// through sanitize.Redact with every value the request sent.
type TokenError struct {
	Op          string // "code exchange" or "refresh"
	Code        string // e.g. invalid_grant
	Description string
	Status      int
	RetryAfter  time.Duration // from a 429 or 503 answer's Retry-After
}

func (e *TokenError) Error() string {
	msg := fmt.Sprintf("%s: the identity provider answered %q", e.Op, e.Code)
	if e.Code == "" {
		msg = fmt.Sprintf("%s: the identity provider answered HTTP %d", e.Op, e.Status)
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Status == http.StatusTooManyRequests || e.Status >= 500 {
		if e.Code != "" {
			msg += fmt.Sprintf(" (HTTP %d)", e.Status)
		}
		if e.Status == http.StatusTooManyRequests {
			msg += ": the identity provider is limiting requests; try again later"
		} else {
			msg += ": the identity provider is unavailable; try again later"
		}
	}
	switch e.Code {
	case "invalid_client", "unauthorized_client":
		msg += " (check client_id, and the secret for a confidential app client)"
	case "invalid_grant":
		if e.Op == opCodeExchange {
			msg += " right after the browser sign-in: the app client's configuration, not an expired sign-in"
		} else {
			msg += " (sign in again)"
		}
	}
	return msg
}

// Hint says what to do about a configuration fault, for the IT team.
func (e *TokenError) Hint() string {
	if e.Code == "invalid_grant" && e.Op == opCodeExchange {
		return "ask your IT team: in Cognito, the app client's attribute read permissions must allow every attribute " +
			"the requested scopes carry (email for email, name for profile), or drop the scope"
	}
	return ""
}

// opCodeExchange is the Op of a failed code exchange.
const opCodeExchange = "code exchange"

// Is makes invalid_grant match [ErrLoginRequired] on a refresh, and
// [ErrProviderConfig] at the code exchange right after a sign-in.
func (e *TokenError) Is(target error) bool {
	if e.Code != "invalid_grant" {
		return false
	}
	if e.Op == opCodeExchange {
		return target == ErrProviderConfig
	}
	return target == ErrLoginRequired
}

// Tokens is the provider's answer at the token endpoint.
type Tokens struct {
	IDToken      string
	AccessToken  string
	RefreshToken string
	Expiry       time.Time
}

// oauthConfig builds the x/oauth2 client for the provider. Public clients
// send client_id in the body; confidential ones use HTTP Basic.
func oauthConfig(m *Metadata, clientID, secret, redirect string, scopes []string) *oauth2.Config {
	style := oauth2.AuthStyleInParams
	if secret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: secret,
		Endpoint:     oauth2.Endpoint{AuthURL: m.AuthorizationEndpoint, TokenURL: m.TokenEndpoint, AuthStyle: style},
		RedirectURL:  redirect,
		Scopes:       scopes,
	}
}

// redeem exchanges the authorization code, proving possession of the PKCE
// verifier. The same redirect_uri as the authorize request is sent.
func redeem(ctx context.Context, hc *http.Client, oc *oauth2.Config, code, verifier string) (*Tokens, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, wholeAnswers(httpClient(hc)))
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenError(opCodeExchange, err, code, verifier, oc.ClientSecret)
	}
	return tokensFrom(tok, opCodeExchange)
}

func tokensFrom(tok *oauth2.Token, op string) (*Tokens, error) {
	id, _ := tok.Extra("id_token").(string)
	if id == "" {
		return nil, fmt.Errorf("%s: the answer has no id_token (is the openid scope allowed for this app client?)", op)
	}
	return &Tokens{IDToken: id, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}, nil
}

// tokenError turns an x/oauth2 error into one that names the OAuth error
// code but never echoes the response body, nor any of sent: the values
// the request carried (code, verifier, refresh token, client secret).
func tokenError(op string, err error, sent ...string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Op: op, Code: sanitize.Redact(re.ErrorCode, sent...), Description: sanitize.Redact(re.ErrorDescription, sent...)}
		if re.Response != nil {
			te.Status = re.Response.StatusCode
			te.RetryAfter = retryAfter(re.Response.Header.Get("Retry-After"))
		}
		return te
	}
	// No answer, a cut one or one that is not JSON: the cause (a timeout,
	// a reset) stays in the chain for the retry policy; the text is
	// redacted.
	what := sanitize.Redact(err.Error(), sent...)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		what = "the identity provider did not answer in time (" + what + ")"
	}
	return &requestError{msg: fmt.Sprintf("%s: %s; try again, and check your network if it keeps failing", op, what), err: err}
}

// requestError is a token request that got no usable answer. Its text went
// through sanitize.Redact; Unwrap gives the cause for errors.Is and As.
type requestError struct {
	msg string
	err error
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.err }

// oauthErrorBody reads error and error_description from a JSON error body.
func oauthErrorBody(body []byte) (code, description string) {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	return e.Error, e.Description
}

// retryAfter reads a Retry-After header given in seconds; 0 when absent.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
