package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
	"github.com/ssohelper/ssohelper/auth/transport"
)

// maxBody caps every response body read.
const maxBody = 1 << 20

// defaultClient is used when Encodify.HTTP is nil.
var defaultClient = &http.Client{Timeout: 30 * time.Second}

// response is a platform HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// oauthError is the error body of a Spring-style OAuth 2 server.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description"`
	Message     string `json:"message"`
}

// tokenResponse is the JSON body of a successful token or provision call.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    int64  `json:"expires_in"`
	JTI          string `json:"jti"`
}

// send performs req and reads at most maxBody bytes of the answer. Transport failures
// and oversized bodies become ErrUnavailable; a cancelled ctx is returned as is.
func (e *Encodify) send(ctx context.Context, op string, req *http.Request) (*response, error) {
	client := e.HTTP
	if client == nil {
		client = defaultClient
	}
	e.logger().DebugContext(ctx, "platform request", "op", op, "method", req.Method, "url", req.URL.Redacted())
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, fmt.Errorf("platform %s: %w", op, ctx.Err())
		}
		return nil, &Error{Op: op, Err: ErrUnavailable,
			Hint: fmt.Sprintf("cannot reach the platform at %s (%s); check your network and platform.base_url, then try again", req.URL.Host, transportReason(err))}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &Error{Op: op, Status: resp.StatusCode, Err: ErrUnavailable,
			Hint: "the platform's answer was cut off; try again"}
	}
	if len(body) > maxBody {
		return nil, &Error{Op: op, Status: resp.StatusCode, Err: ErrUnavailable,
			Hint: "the platform's answer is larger than 1 MiB; check platform.base_url"}
	}
	e.logger().DebugContext(ctx, "platform response", "op", op, "status", resp.StatusCode)
	return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// transportReason names the kind of transport failure without echoing request data.
func transportReason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "timed out"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "no such host"):
		return "unknown host"
	case errors.Is(err, transport.ErrTLS):
		// Which host, which certificate, and ca_file (the text is ours;
		// the certificate's names in it are quoted).
		var tlsErr error = err
		for u := errors.Unwrap(tlsErr); u != nil && errors.Is(u, transport.ErrTLS); u = errors.Unwrap(tlsErr) {
			tlsErr = u
		}
		return tlsErr.Error()
	case strings.Contains(err.Error(), "certificate"):
		return "TLS certificate problem"
	default:
		return "connection failed"
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// oauthErr decodes the error fields of r, redacting secrets the client knows.
func (r *response) oauthErr(red redactor) (code, desc string) {
	var o oauthError
	if json.Unmarshal(r.body, &o) != nil {
		return "", ""
	}
	desc = o.Description
	if desc == "" {
		desc = o.Message
	}
	return red.clean(o.Code), red.clean(desc)
}

// token decodes a successful token response; a body without an access token is
// ErrUnavailable.
func (r *response) token(op string, now time.Time) (*Token, error) {
	var t tokenResponse
	if err := json.Unmarshal(r.body, &t); err != nil || t.AccessToken == "" {
		return nil, &Error{Op: op, Status: r.status, Err: ErrUnavailable,
			Hint: "the platform answered without a usable token; try again later, or ask your platform admin"}
	}
	tok := &Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType,
		Scope: sanitize.Text(t.Scope), JTI: t.JTI}
	if t.ExpiresIn > 0 {
		tok.Expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return tok, nil
}

// unavailable builds the error for statuses that mean "try again later".
func (r *response) unavailable(op, code, desc string, now time.Time) *Error {
	hint := "the platform is unavailable; try again later"
	switch {
	case r.status == http.StatusNotFound:
		hint = "the platform has no such endpoint; check platform.base_url"
	case r.status == http.StatusTooManyRequests:
		hint = "the platform is rate limiting; try again later"
	case r.status < 500:
		hint = "the platform gave an unexpected answer; try again later, or ask your platform admin"
	}
	return &Error{Op: op, Status: r.status, Code: code, Description: desc, Hint: hint,
		RetryAfter: retryAfter(r.header.Get("Retry-After"), now), Err: ErrUnavailable}
}

// retryAfter parses a Retry-After header (seconds or HTTP date); 0 when absent or bad.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
