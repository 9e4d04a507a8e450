package app

import (
	"net/url"
	"testing"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// FuzzLink feeds ParseLink what the OS hands the app for an ssohelper://
// link (any web page can make one), and parseMessage what another launch
// sends the running app. Properties: no panic; a refused link or message
// gives the zero Link, and a refusal is short and printable (it reaches a
// terminal); an accepted link is one IsLink routes, opens the window or
// offers a sign-in for a valid profile name, and it, the message it sends
// and the canonical link written back all read back to the same Link.
func FuzzLink(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		l, err := ParseLink(raw)
		if err != nil {
			if l != (Link{}) {
				t.Fatalf("ParseLink(%q) refused (%v) but returned %+v", raw, err, l)
			}
			if msg := err.Error(); len(msg) > 120 || sanitize.Text(msg) != msg {
				t.Fatalf("ParseLink(%q): refusal %q is long or not printable", raw, msg)
			}
		} else {
			if !IsLink(raw) {
				t.Fatalf("ParseLink accepted %q, which IsLink does not route", raw)
			}
			fuzzCheckLink(t, l)
			canonical := "ssohelper://" + l.Action
			if l.Profile != "" {
				canonical += "?profile=" + url.QueryEscape(l.Profile)
			}
			if back, err := ParseLink(canonical); err != nil || back != l {
				t.Fatalf("the canonical link %q of %+v reads back as %+v, %v", canonical, l, back, err)
			}
		}

		m, err := parseMessage(raw)
		if err != nil {
			if m != (Link{}) {
				t.Fatalf("parseMessage(%q) refused (%v) but returned %+v", raw, err, m)
			}
			return
		}
		if m.Action != MessagePairing {
			fuzzCheckLink(t, m)
		} else if m.Profile != "" {
			t.Fatalf("pairing message %q with profile %q", raw, m.Profile)
		}
	})
}

// fuzzCheckLink checks an accepted Link and its message round trip.
func fuzzCheckLink(t *testing.T, l Link) {
	t.Helper()
	switch {
	case l.Action == "open" && l.Profile == "":
	case l.Action == "login" && (l.Profile == "" || config.CheckProfileName(l.Profile) == ""):
	default:
		t.Fatalf("accepted %+v", l)
	}
	if back, err := parseMessage(l.Message()); err != nil || back != l {
		t.Fatalf("the message %q of %+v reads back as %+v, %v", l.Message(), l, back, err)
	}
}
