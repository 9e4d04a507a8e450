package app

import "testing"

func TestParseLink(t *testing.T) {
	tests := []struct {
		raw  string
		want Link
		ok   bool
	}{
		{"ssohelper://open", Link{Action: "open"}, true},
		{"ssohelper://open/", Link{Action: "open"}, true},
		{"SSOHELPER://Login?profile=work", Link{Action: "login", Profile: "work"}, true},
		{"ssohelper://login", Link{Action: "login"}, true},
		{"ssohelper://logout", Link{}, false},
		{"ssohelper://login?profile=work&auto=1", Link{}, false},
		{"ssohelper://login?profile=work&profile=test", Link{}, false},
		{"ssohelper://login?profile=../x", Link{}, false},
		{"ssohelper://login?profile=a%00b", Link{}, false},
		{"ssohelper://open?x=1", Link{}, false},
		{"ssohelper://open/extra", Link{}, false},
		{"ssohelper://user@open", Link{}, false},
		{"ssohelper://open:80", Link{}, false},
		{"ssohelper://open#frag", Link{}, false},
		{"ssohelper:open", Link{}, false},
		{"https://open", Link{}, false},
		{"ssohelper://login?profile=%1b%5b31m", Link{}, false},
	}
	for _, tt := range tests {
		got, err := ParseLink(tt.raw)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseLink(%q) = %+v, %v; want %+v, ok %v", tt.raw, got, err, tt.want, tt.ok)
		}
		if err != nil && len(err.Error()) > 120 {
			t.Errorf("ParseLink(%q): message too long", tt.raw)
		}
		if tt.ok {
			if back, err := parseMessage(got.Message()); err != nil || back != got {
				t.Errorf("message round trip of %+v: %+v, %v", got, back, err)
			}
		}
	}
	for _, m := range []string{"logout", "login ../x", "open now", ""} {
		if _, err := parseMessage(m); err == nil {
			t.Errorf("parseMessage(%q) accepted", m)
		}
	}
}
