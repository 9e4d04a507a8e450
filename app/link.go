package app

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ssohelper/ssohelper/auth/config"
)

// Link is an ssohelper:// link, or the message a launch sends the running
// app (see Claim). Any web page can link to ssohelper://, so a link never
// signs in or out by itself: "open" shows the window, "login" shows it
// and offers sign-in for a profile, and nothing else is accepted.
type Link struct {
	Action  string // "open" or "login"
	Profile string // for "login": the profile to offer; "" for the active one
}

// Message is the line a launch sends the running app for l.
func (l Link) Message() string {
	if l.Profile != "" {
		return l.Action + " " + l.Profile
	}
	return l.Action
}

// MessagePairing is the message the plugin bridge sends the app when a
// plugin asks to pair. It is no link: ParseLink refuses it.
const MessagePairing = "pairing"

// IsLink reports whether a command-line argument is an ssohelper:// link
// (what the OS runs for the URL scheme).
func IsLink(arg string) bool { return strings.HasPrefix(strings.ToLower(arg), "ssohelper:") }

// ParseLink checks an ssohelper:// link strictly: the scheme, one of the
// two actions, no user, port, path, fragment or parameter other than a
// single valid profile for "login".
func ParseLink(raw string) (Link, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "ssohelper") {
		return Link{}, fmt.Errorf("not an ssohelper:// link")
	}
	if u.Opaque != "" || u.User != nil || u.Port() != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" || u.RawFragment != "" {
		return Link{}, fmt.Errorf("the link has parts ssohelper does not accept; use ssohelper://open or ssohelper://login?profile=NAME")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Link{}, fmt.Errorf("the link's parameters do not parse")
	}
	l := Link{Action: strings.ToLower(u.Hostname())}
	switch l.Action {
	case "open":
		if len(q) > 0 {
			return Link{}, fmt.Errorf("ssohelper://open takes no parameters")
		}
	case "login":
		for k := range q {
			if k != "profile" {
				return Link{}, fmt.Errorf("ssohelper://login takes only profile=NAME")
			}
		}
		if vs, ok := q["profile"]; ok {
			if len(vs) != 1 || config.CheckProfileName(vs[0]) != "" {
				return Link{}, fmt.Errorf("the link's profile is not a valid profile name")
			}
			l.Profile = vs[0]
		}
	default:
		return Link{}, fmt.Errorf("unknown action; ssohelper:// links only open the window or offer a sign-in")
	}
	return l, nil
}

// parseMessage reads a message from another launch back into a Link.
func parseMessage(m string) (Link, error) {
	action, profile, _ := strings.Cut(m, " ")
	switch {
	case action == "open" && profile == "":
		return Link{Action: "open"}, nil
	case action == "login" && (profile == "" || config.CheckProfileName(profile) == ""):
		return Link{Action: "login", Profile: profile}, nil
	case action == MessagePairing && profile == "":
		// From the plugin bridge: a plugin asks to pair; the window shows
		// the requests the bridge has (none: nothing shows).
		return Link{Action: MessagePairing}, nil
	}
	return Link{}, fmt.Errorf("not a message ssohelper understands")
}
