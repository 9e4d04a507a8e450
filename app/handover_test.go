package app

import "testing"

func TestParseHandover(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Handover
		ok   bool
	}{
		{"tray", Handover{To: ImageTray}, true},
		{"window:open", Handover{To: ImageWindow, Start: StartOpen}, true},
		{"window:signin", Handover{To: ImageWindow, Start: StartSignIn}, true},
		{"window:copy", Handover{To: ImageWindow, Start: StartCopy}, true},
		{"window:login work", Handover{To: ImageWindow, Start: "login work"}, true},
		{"window:login ../x", Handover{}, false},
		{"window:logout", Handover{}, false},
		{"window:", Handover{}, false},
		{"tray:open", Handover{}, false},
		{"", Handover{}, false},
	} {
		got, err := ParseHandover(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseHandover(%q) = %+v, %v; want %+v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.String() != tc.in {
			t.Errorf("%+v.String() = %q; want %q", got, got.String(), tc.in)
		}
	}
}
