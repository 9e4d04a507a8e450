// Package transport builds the HTTP client ssohelper talks to the identity
// provider and the platform with: the proxy from HTTPS_PROXY / NO_PROXY
// (and, on macOS and Windows, from the system's proxy settings), the
// system's certificate authorities plus a profile's ca_file, a timeout,
// and TLS errors that say which host and which certificate failed.
//
// Loopback addresses are never proxied: the loopback redirect server and
// the plugin bridge are on this machine.
package transport

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Errors wrapped by Client and by the client's requests.
var (
	// ErrCAFile means the profile's ca_file cannot be used.
	ErrCAFile = errors.New("ca_file not usable")
	// ErrTLS means a server's certificate was refused.
	ErrTLS = errors.New("TLS certificate refused")
)

// Options configure Client.
type Options struct {
	// Getenv reads the proxy variables (os.Getenv in production).
	Getenv func(string) string
	// CAFile is a PEM bundle added to the system's authorities; optional.
	CAFile string
	// Timeout bounds each request.
	Timeout time.Duration
}

// maxCAFile bounds a CA bundle; the system's own is about 200 KiB.
const maxCAFile = 4 << 20

// Client returns an HTTP client configured by o.
func Client(o Options) (*http.Client, error) {
	roots, err := Roots(o.CAFile)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = ProxyFunc(o.Getenv)
	t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Timeout: o.Timeout, Transport: &explainer{rt: t, caFile: o.CAFile}}, nil
}

// Roots returns the system's authorities plus those in caFile; nil (the
// system's, as Go finds them) when caFile is empty.
func Roots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	fi, err := os.Stat(caFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; fix ca_file in the profile to name your CA bundle (PEM)", ErrCAFile, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxCAFile {
		return nil, fmt.Errorf("%w: %s is not a PEM file of at most %d MiB; fix ca_file in the profile", ErrCAFile, caFile, maxCAFile>>20)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	n := CountCerts(pem)
	if n == 0 || !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%w: %s holds no PEM certificate (-----BEGIN CERTIFICATE-----); export your CA in PEM form and point ca_file at it", ErrCAFile, caFile)
	}
	return pool, nil
}

// CountCerts counts the certificates in a PEM bundle that parse.
func CountCerts(data []byte) int {
	n := 0
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return n
		}
		if block.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(block.Bytes); err == nil {
				n++
			}
		}
	}
}

// ProxyFunc returns the proxy for each request: none for loopback hosts;
// else the proxy variables read through getenv (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY, upper or lower case); else, on macOS and Windows, the system
// proxy settings (SystemProxy).
func ProxyFunc(getenv func(string) string) func(*http.Request) (*url.URL, error) {
	cfg := envConfig(getenv)
	fromEnv := cfg.ProxyFunc()
	useEnv := cfg.HTTPProxy != "" || cfg.HTTPSProxy != ""
	return func(r *http.Request) (*url.URL, error) {
		if isLoopback(r.URL.Hostname()) {
			return nil, nil
		}
		if useEnv || systemProxy == nil {
			return fromEnv(r.URL)
		}
		return systemProxy(r)
	}
}

func envConfig(getenv func(string) string) *httpproxy.Config {
	get := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return getenv(strings.ToLower(k))
	}
	return &httpproxy.Config{HTTPProxy: get("HTTP_PROXY"), HTTPSProxy: get("HTTPS_PROXY"), NoProxy: get("NO_PROXY")}
}

// DescribeProxy says which proxy settings are in use, with any password
// replaced by "…".
func DescribeProxy(getenv func(string) string) string {
	var set []string
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		if v := getenv(k); v != "" {
			set = append(set, k+"="+redact(v))
		}
	}
	switch {
	case len(set) > 0:
		return strings.Join(set, " ") + " (loopback never proxied)"
	case systemProxy != nil:
		return "no proxy variables; " + systemProxyName + " apply"
	}
	return "no proxy variables; direct connections"
}

func redact(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	u.User = url.User("…")
	return u.String()
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
