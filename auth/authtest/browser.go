package authtest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxHops bounds the redirects and form posts of one Open.
const maxHops = 20

// ErrLoginFailed is returned by Browser.Open when the hosted UI shows the
// login form again after a submit, for example for a wrong password.
var ErrLoginFailed = errors.New("authtest: browser: login form rejected the credentials")

// StatusError is returned by Browser.Open when the last page of the chain
// is not 2xx. URL has no query, so no code or state leaks into messages.
type StatusError struct {
	URL        string
	StatusCode int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("authtest: browser: %s answered %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// Browser plays the user's browser against the hosted UI: it follows
// redirects, fills in the login form (or presses Cancel) and follows the
// final redirect into the loopback callback. Cookies persist across Open
// calls, so a second Open signs in through the login cookie without the form.
type Browser struct {
	Username, Password string
	// Cancel presses the Cancel button instead of signing in.
	Cancel bool
	// HTTP is the client to use; nil means a client with a 10s timeout and a
	// cookie jar, created on first use. Its CheckRedirect is not used.
	HTTP *http.Client
	// Unreachable, when set, names the addresses this browser cannot load
	// (it runs on another machine than the app): Open stops at the first
	// redirect to one and returns an *UnreachableError holding the address,
	// as a person would copy it from the address bar.
	Unreachable func(*url.URL) bool

	once sync.Once
	def  *http.Client
}

var (
	reForm  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<form\b[^>]*>`) })
	reInput = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<input\b[^>]*>`) })
	reAttr  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)\b([a-z_-]+)\s*=\s*"([^"]*)"`) })
)

// Open loads url and drives the hosted UI until a page that is not the login
// form; it returns nil if that page is 2xx. The chain ends in the app's
// callback, so the callback server sees the code.
func (b *Browser) Open(ctx context.Context, rawURL string) error {
	client := b.client()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("authtest: browser: %w", err)
	}
	submitted := false
	for range maxHops {
		resp, body, err := do(client, req)
		if err != nil {
			return err
		}
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			loc, err := req.URL.Parse(resp.Header.Get("Location"))
			if err != nil || resp.Header.Get("Location") == "" {
				return fmt.Errorf("authtest: browser: redirect from %s without a valid location", redact(req.URL))
			}
			if b.Unreachable != nil && b.Unreachable(loc) {
				return &UnreachableError{URL: loc.String()}
			}
			req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
			if err != nil {
				return fmt.Errorf("authtest: browser: %w", err)
			}
		case isLoginForm(body):
			if submitted {
				return ErrLoginFailed
			}
			req, err = b.submit(ctx, req.URL, body)
			if err != nil {
				return err
			}
			submitted = true
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return nil
		default:
			return &StatusError{URL: redact(req.URL), StatusCode: resp.StatusCode}
		}
	}
	return fmt.Errorf("authtest: browser: more than %d redirects", maxHops)
}

// UnreachableError is where a Browser with Unreachable stopped.
type UnreachableError struct{ URL string }

// Error leaves the address out: it may carry an authorization code.
func (e *UnreachableError) Error() string {
	return "authtest: browser: the address it was sent to cannot be reached from here"
}

// Describe names the browser for the sign-in prompt.
func (b *Browser) Describe() string { return "the built-in test browser (no window)" }

func (b *Browser) client() *http.Client {
	base := b.HTTP
	if base == nil {
		b.once.Do(func() {
			jar, _ := cookiejar.New(nil)
			b.def = &http.Client{Timeout: 10 * time.Second, Jar: jar}
		})
		base = b.def
	}
	c := *base
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// do sends req and reads up to 1 MiB of the body.
func do(client *http.Client, req *http.Request) (*http.Response, string, error) {
	resp, err := client.Do(req)
	if err != nil {
		// The client's error repeats the URL, which may hold a code: drop it.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, "", fmt.Errorf("authtest: browser: %s %s: %w", req.Method, redact(req.URL), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, "", fmt.Errorf("authtest: browser: read %s: %w", redact(req.URL), err)
	}
	return resp, string(body), nil
}

func isLoginForm(body string) bool {
	return strings.Contains(body, `name="username"`) && strings.Contains(body, `id="signin"`)
}

// submit builds the POST of the login form found in body: every input with
// its value, the credentials, and the pressed button.
func (b *Browser) submit(ctx context.Context, page *url.URL, body string) (*http.Request, error) {
	form := reForm().FindString(body)
	action := attrs(form)["action"]
	target, err := page.Parse(action)
	if form == "" || err != nil {
		return nil, fmt.Errorf("authtest: browser: no login form on %s", redact(page))
	}
	values := url.Values{}
	for _, in := range reInput().FindAllString(body, -1) {
		a := attrs(in)
		if a["name"] != "" {
			values.Set(a["name"], a["value"])
		}
	}
	if b.Cancel {
		values.Set("cancel", "cancel")
	} else {
		values.Set("username", b.Username)
		values.Set("password", b.Password)
		values.Set("signin", "signin")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return nil, fmt.Errorf("authtest: browser: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// attrs returns the double-quoted attributes of one tag, unescaped.
func attrs(tag string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr().FindAllStringSubmatch(tag, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// redact returns u without query or fragment, for error messages.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.User = "", "", nil
	return c.String()
}
