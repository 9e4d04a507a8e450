//go:build windows || (darwin && cgo)

package transport

import (
	"net/http"
	"net/url"
	"sync"

	"github.com/mattn/go-ieproxy"
)

// systemProxy reads the operating system's proxy settings, as an app
// started from Finder or the Start menu has no proxy variables: on Windows
// the Internet Options (static, and PAC through WinHTTP), on macOS the
// network settings (static, and PAC). They are read at the first request,
// not at start: the cached `token` path makes none.
var systemProxy = func(r *http.Request) (*url.URL, error) {
	loadSystem.Do(func() { fromSystem = ieproxy.GetProxyFunc() })
	return fromSystem(r)
}

var (
	loadSystem sync.Once
	fromSystem func(*http.Request) (*url.URL, error)
)

const systemProxyName = "the system proxy settings (static or PAC)"
