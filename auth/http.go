package auth

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// maxBody caps every response body this package reads.
const maxBody = 1 << 20

// DefaultHTTPTimeout bounds each request to the provider when the caller
// gives no client of its own.
const DefaultHTTPTimeout = 30 * time.Second

var defaultClient = &http.Client{Timeout: DefaultHTTPTimeout}

func httpClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return defaultClient
}

// wholeAnswers returns a copy of c whose requests read each answer's body
// whole before returning. A connection cut mid-body then fails the request
// itself, with the cause (a reset, a timeout) in the error chain, which
// x/oauth2 would flatten to text: the retry policy can tell it is
// transient. Bodies are capped at maxBody.
func wholeAnswers(c *http.Client) *http.Client {
	cc := *c
	base := cc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cc.Transport = wholeBody{base}
	return &cc
}

type wholeBody struct{ base http.RoundTripper }

func (t wholeBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
