package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Operation names used in Error.Op.
const (
	OpAppToken  = "app token"
	OpProvision = "provision"
	OpRefresh   = "refresh"
)

// Encodify exchanges id_tokens for Encodify platform tokens. Its zero value is not
// usable: BaseURL, SiteID, IdP, ClientAppID and ClientAppSecret are required. It is
// safe for concurrent use once configured.
type Encodify struct {
	// BaseURL is the worker URL, e.g. "https://worker.example.com/encode".
	BaseURL string
	// SiteID is the numeric site id, e.g. "36".
	SiteID string
	// IdP is the identity provider's Name ID on the platform, e.g. "cognito".
	IdP string
	// ClientAppID and ClientAppSecret identify the Client App whose scope is
	// site_<SiteID>_provisionByOpenIdToken_<IdP>. The secret MUST NOT come from the
	// config file.
	ClientAppID, ClientAppSecret string
	// HTTP sends the requests; nil means a client with a 30 s timeout.
	HTTP *http.Client
	// Now is the clock used for Token.Expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives debug logs without tokens or secrets; nil discards them.
	Logger *slog.Logger
}

// Exchange gets an app token with the client_credentials grant, then provisions the
// user from idToken and returns the platform token. The app token is not cached: an
// exchange happens once per sign-in.
func (e *Encodify) Exchange(ctx context.Context, idToken string) (*Token, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if idToken == "" {
		return nil, &Error{Op: OpProvision, Err: ErrInvalidIDToken, Hint: "there is no id_token to exchange; sign in again"}
	}
	appToken, err := e.appToken(ctx)
	if err != nil {
		return nil, err
	}
	return e.provision(ctx, appToken, idToken)
}

// Refresh renews a platform token with the refresh_token grant and the client app
// credentials. When the platform does not rotate the refresh token, the returned Token
// keeps refreshToken.
func (e *Encodify) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if refreshToken == "" {
		return nil, &Error{Op: OpRefresh, Err: ErrInvalidGrant, Hint: "there is no platform refresh token; sign in again"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	red := e.redactor(refreshToken)
	resp, err := e.postForm(ctx, OpRefresh, form)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusOK {
		tok, err := resp.token(OpRefresh, e.now())
		if err == nil && tok.RefreshToken == "" {
			tok.RefreshToken = refreshToken
		}
		return tok, err
	}
	code, desc := resp.oauthErr(red)
	switch {
	case code == "invalid_client" || code == "unauthorized_client" ||
		(resp.status == http.StatusUnauthorized && code != "invalid_grant" && code != "invalid_token"):
		return nil, e.clientAppError(OpRefresh, resp.status, code, desc)
	case resp.status == http.StatusBadRequest || resp.status == http.StatusUnauthorized:
		return nil, &Error{Op: OpRefresh, Status: resp.status, Code: code, Description: desc, Err: ErrInvalidGrant,
			Hint: "the platform session has ended; sign in again"}
	}
	return nil, resp.unavailable(OpRefresh, code, desc, e.now())
}

// appToken runs the client_credentials grant and returns the app access token.
func (e *Encodify) appToken(ctx context.Context) (string, error) {
	resp, err := e.postForm(ctx, OpAppToken, url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		return "", err
	}
	if resp.status == http.StatusOK {
		tok, err := resp.token(OpAppToken, e.now())
		if err != nil {
			return "", err
		}
		e.logger().DebugContext(ctx, "platform app token", "scope", tok.Scope, "jti", tok.JTI)
		return tok.AccessToken, nil
	}
	code, desc := resp.oauthErr(e.redactor())
	switch resp.status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return "", e.clientAppError(OpAppToken, resp.status, code, desc)
	}
	return "", resp.unavailable(OpAppToken, code, desc, e.now())
}

// provision posts the id_token with the app token and returns the platform token.
func (e *Encodify) provision(ctx context.Context, appToken, idToken string) (*Token, error) {
	body, err := json.Marshal(map[string]string{"openIdToken": idToken})
	if err != nil {
		return nil, fmt.Errorf("platform %s: encode request: %w", OpProvision, err)
	}
	req, err := e.request(ctx, e.provisionURL(), "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+appToken)
	resp, err := e.send(ctx, OpProvision, req)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusOK {
		tok, err := resp.token(OpProvision, e.now())
		if err == nil {
			e.logger().DebugContext(ctx, "platform token", "scope", tok.Scope, "jti", tok.JTI, "expiry", tok.Expiry)
		}
		return tok, err
	}
	code, desc := resp.oauthErr(e.redactor(appToken, idToken))
	scopeProblem := code == "insufficient_scope" || strings.Contains(strings.ToLower(desc), "scope")
	switch {
	case resp.status == http.StatusNotFound:
		return nil, &Error{Op: OpProvision, Status: resp.status, Code: code, Description: desc, Err: ErrIdPNotFound,
			Hint: fmt.Sprintf("the platform has no identity provider %q on site %s; check platform.site_id and platform.idp (the IdP's Name ID in Site Configuration)", e.IdP, e.SiteID)}
	case (resp.status == http.StatusUnauthorized || resp.status == http.StatusBadRequest) && !scopeProblem && isIDTokenProblem(resp.status, desc):
		return nil, &Error{Op: OpProvision, Status: resp.status, Code: code, Description: desc, Err: ErrInvalidIDToken,
			Hint: "the platform rejected your id_token (signature, issuer or expiry); sign in again, and if it keeps failing ask your platform admin to check the identity provider's OpenID Connect settings"}
	case resp.status == http.StatusUnauthorized || (resp.status == http.StatusForbidden && scopeProblem):
		return nil, &Error{Op: OpProvision, Status: resp.status, Code: code, Description: desc, Err: ErrClientApp,
			Hint: fmt.Sprintf("the platform refused the client app token; give the client app the scope %s and check client_app_id", e.scope())}
	case resp.status == http.StatusForbidden:
		return nil, &Error{Op: OpProvision, Status: resp.status, Code: code, Description: desc, Err: ErrNotAllowed,
			Hint: "your account is not allowed on this platform (email domain or user blocked); ask your platform admin"}
	}
	return nil, resp.unavailable(OpProvision, code, desc, e.now())
}

// isIDTokenProblem reports whether a 400/401 at provision blames the id_token.
func isIDTokenProblem(status int, desc string) bool {
	if status == http.StatusBadRequest {
		return true
	}
	d := strings.ToLower(desc)
	return strings.Contains(d, "openid") || strings.Contains(d, "id token") || strings.Contains(d, "id_token")
}

// clientAppError explains a rejected client app at the token endpoint.
func (e *Encodify) clientAppError(op string, status int, code, desc string) *Error {
	hint := "the platform rejected the client app id/secret; check client_app_id and the secret (ssohelper config set-secret platform)"
	switch code {
	case "unauthorized_client", "unsupported_grant_type":
		hint = "the client app may not use this grant; ask your platform admin to allow client_credentials and refresh_token in its Authorized Grant Types"
	case "invalid_scope":
		hint = fmt.Sprintf("the client app lacks the scope %s; ask your platform admin to add it", e.scope())
	}
	return &Error{Op: op, Status: status, Code: code, Description: desc, Hint: hint, Err: ErrClientApp}
}

// postForm posts form plus the client app credentials to the token endpoint.
func (e *Encodify) postForm(ctx context.Context, op string, form url.Values) (*response, error) {
	form.Set("client_id", e.ClientAppID)
	form.Set("client_secret", e.ClientAppSecret)
	req, err := e.request(ctx, e.base()+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	return e.send(ctx, op, req)
}

func (e *Encodify) request(ctx context.Context, target, contentType string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, body)
	if err != nil {
		return nil, fmt.Errorf("platform: invalid base_url %q; check platform.base_url", e.BaseURL)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// check reports missing settings before any request is made.
func (e *Encodify) check() error {
	switch {
	case e.ClientAppID == "":
		return &Error{Op: OpAppToken, Err: ErrClientApp, Hint: "client_app_id is not set; set platform.client_app_id in the profile"}
	case e.ClientAppSecret == "":
		return &Error{Op: OpAppToken, Err: ErrClientApp, Hint: "the client app secret is not set; run `ssohelper config set-secret platform` or set SSOHELPER_PLATFORM_SECRET"}
	case e.BaseURL == "" || e.SiteID == "" || e.IdP == "":
		return errors.New("platform: base_url, site_id and idp must all be set in the profile's [platform] table")
	}
	return nil
}

func (e *Encodify) base() string { return strings.TrimRight(e.BaseURL, "/") }

func (e *Encodify) provisionURL() string {
	return e.base() + "/rest/external/site/" + url.PathEscape(e.SiteID) + "/idp/" + url.PathEscape(e.IdP) + "/provisionByOpenIdToken"
}

func (e *Encodify) scope() string { return "site_" + e.SiteID + "_provisionByOpenIdToken_" + e.IdP }

func (e *Encodify) redactor(secrets ...string) redactor {
	return append(redactor{e.ClientAppSecret}, secrets...)
}

func (e *Encodify) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Encodify) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// CheckClientApp runs the client credentials grant and throws the app
// token away: it tells whether the platform accepts the client app's id
// and secret (doctor), without a sign-in.
func (e *Encodify) CheckClientApp(ctx context.Context) error {
	_, err := e.appToken(ctx)
	return err
}
