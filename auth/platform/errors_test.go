package platform

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

func TestErrorMessage(t *testing.T) {
	err := &Error{Op: OpProvision, Status: 403, Code: "access_denied", Description: "User is not allowed",
		Hint: "ask your platform admin", Err: ErrNotAllowed}
	if got, want := err.Error(), "platform provision: ask your platform admin (HTTP 403: access_denied: User is not allowed)"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	if !errors.Is(err, ErrNotAllowed) {
		t.Error("got errors.Is false; want the sentinel unwrapped")
	}
	bare := &Error{Op: OpRefresh, Hint: "sign in again", Err: ErrInvalidGrant}
	if got, want := bare.Error(), "platform refresh: sign in again"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestRedactorClean(t *testing.T) {
	r := redactor{"s3cr3t-value", "abc"}
	tests := []struct{ in, want string }{
		{"bad s3cr3t-value here", "bad [redacted] here"},
		{"short abc kept", "short abc kept"},
		{"jwt eyJhbGciOi.eyJzdWIi.sig end", "jwt [redacted] end"},
		{"line\nbreak", "line break"},
	}
	for _, tt := range tests {
		if got := r.clean(tt.in); got != tt.want {
			t.Errorf("clean(%q): got %q; want %q", tt.in, got, tt.want)
		}
	}
	long := r.clean(strings.Repeat("é", 300))
	if !utf8.ValidString(long) || len(long) > sanitize.MaxLen+3 {
		t.Errorf("got %d bytes, valid UTF-8 %v; want a short valid string", len(long), utf8.ValidString(long))
	}
}
