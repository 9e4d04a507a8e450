package sanitize

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Dana Designer", "Dana Designer"},
		{"unicode kept", "Zoë Ångström 設計", "Zoë Ångström 設計"},
		{"csi colour", "\x1b[31mRED\x1b[0m", "RED"},
		{"osc title bel", "a\x1b]0;pwned\x07b", "ab"},
		{"osc title st", "a\x1b]2;pwned\x1b\\b", "ab"},
		{"osc 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d0;t\u009cb", "ab"},
		{"charset", "a\x1b(Bb", "ab"},
		{"two-char", "a\x1bcb", "ab"},
		{"lone esc at end", "a\x1b", "a"},
		{"c0", "a\x00b\x07c\x08d", "abcd"},
		{"del", "a\x7fb", "ab"},
		{"c1 other", "a\u0085b\u0080c", "abc"},
		{"newlines to spaces", "a\nb\r\nc\td", "a b  c d"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"bidi override", "file\u202Etxt.exe", "filetxt.exe"},
		{"bidi isolates and marks", "\u2066a\u2069\u200Fb\u200E\u061C", "ab"},
		{"zero width", "a\u200Bb\uFEFF", "ab"},
		{"invalid utf8", "a\xffb\xc3", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	tests := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"sent value", "bad refresh_token rt-12345", []string{"rt-12345"}, "bad refresh_token [redacted]"},
		{"short values kept", "bad abc", []string{"abc"}, "bad abc"},
		{"jwt", "token " + jwt + " rejected", nil, "token [redacted] rejected"},
		{"jwt prefix", "starts eyJhbGciOiJIUz", nil, "starts [redacted]"},
		{"controls too", "\x1b[31mrt-12345\x1b[0m", []string{"rt-12345"}, "[redacted]"},
		{"long cut", strings.Repeat("é", 400), nil, strings.Repeat("é", 150) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in, tt.secrets...); got != tt.want {
				t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b]0;x\x07", "\u009b1m", "a\u202eb", "\x1b[", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("Text(%q) = %q keeps %U", s, got, r)
			}
		}
		if Text(got) != got {
			t.Fatalf("Text is not idempotent on %q", s)
		}
	})
}
