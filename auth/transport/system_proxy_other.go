//go:build !(windows || (darwin && cgo))

package transport

import (
	"net/http"
	"net/url"
)

// systemProxy is nil here: on Linux and other Unix systems, the desktop
// sessions export the proxy variables; macOS builds without cgo cannot
// read the system settings.
var systemProxy func(*http.Request) (*url.URL, error)

const systemProxyName = ""
