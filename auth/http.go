package auth

import (
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
