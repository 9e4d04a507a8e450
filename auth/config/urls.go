package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckEndpoint says what is wrong with raw as the URL of an identity
// provider or platform endpoint, or "" when it is fine: an absolute https
// URL (plain http only for localhost, 127.0.0.1 and ::1), without user name
// or password. The same rule holds for URLs from the config file and from
// a provider's discovery document, so a refresh token never travels in
// clear text and the browser is never handed a file: or other URL.
func CheckEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute URL; write it like \"https://host/path\"", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		return fmt.Sprintf("%q uses plain http; use https (http is only allowed for localhost, 127.0.0.1 and ::1)", raw)
	default:
		return fmt.Sprintf("%q has scheme %q; use https", raw, u.Scheme)
	}
	if u.User != nil {
		return "contains a user name or password; remove it, credentials never belong in a URL"
	}
	return ""
}

// checkURL adds a problem when raw breaks CheckEndpoint or names the
// scheme's default port explicitly.
func (c *checker) checkURL(field, raw string) {
	if msg := CheckEndpoint(raw); msg != "" {
		c.add(field, "%s", msg)
	}
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		c.checkDefaultPort(field, u)
	}
}

// checkDefaultPort catches ":443" on https and ":80" on http: Cognito compares URLs as
// strings and answers "An error was encountered with the requested page".
func (c *checker) checkDefaultPort(field string, u *url.URL) {
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		fixed := *u
		fixed.Host = strings.TrimSuffix(u.Host, ":"+port)
		c.add(field, "names the default port :%s; write %q instead (an explicit default port makes URLs differ from what is registered; Cognito then fails with \"An error was encountered with the requested page\")", port, strings.TrimSuffix(fixed.String(), "/"))
	}
}

// checkLogoutURI checks a sign-out URL: https, or http on localhost with a port, as
// Cognito allows.
func (c *checker) checkLogoutURI(raw string) {
	const field = "logout_uri"
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		c.add(field, "%q is not an absolute URL; use https://... or http://localhost:<port>/...", raw)
		return
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && u.Hostname() == "localhost" && u.Port() != "":
		if !strings.HasPrefix(u.Path, "/") || len(u.Path) < 2 || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(u.Path, " \t") {
			c.add(field, "%q has no plain path for ssohelper to answer on; use one such as http://localhost:%s/signed-out", raw, u.Port())
		}
	default:
		c.add(field, "%q is not allowed; Cognito accepts https://... or http://localhost:<port>/... only", raw)
	}
	if u.User != nil {
		c.add(field, "contains a user name or password; remove it")
	}
	c.checkDefaultPort(field, u)
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostOf returns the host name of raw, or "" when it does not parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
