package keystore

import (
	"context"
	"errors"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"dev", true},
		{"secret/prod/client", true},
		{"Prod.eu-west_1", true},
		{".hidden", true},
		{"", false},
		{"..", false},
		{"a/../b", false},
		{"a..b", false},
		{"./a", false},
		{"/abs", false},
		{"trailing/", false},
		{"a//b", false},
		{`back\slash`, false},
		{"sp ace", false},
		{"tilde~", false},
		{"caret^", false},
		{"ünïcode", false},
		{string(make([]byte, 101)), false},
	} {
		err := checkName(tc.name)
		if got := err == nil; got != tc.ok {
			t.Errorf("checkName(%q): got %v; want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidName) {
			t.Errorf("checkName(%q): got %v; want ErrInvalidName", tc.name, err)
		}
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"dev", "dev.vault"},
		{"secret/Prod/client", "secret~^prod~client.vault"},
		{"a.vault", "a.vault.vault"},
	} {
		if got := fileName(tc.name); got != tc.file {
			t.Errorf("fileName(%q): got %q; want %q", tc.name, got, tc.file)
		}
		if got, ok := nameFromFile(tc.file); got != tc.name || !ok {
			t.Errorf("nameFromFile(%q): got %q, %v; want %q, true", tc.file, got, ok, tc.name)
		}
	}
	for _, file := range []string{".vault-key.lock", ".dev.vault.tmp-123", "Dev.vault", "^.vault", "x^1.vault", "~a.vault", "key.json"} {
		if got, ok := nameFromFile(file); ok {
			t.Errorf("nameFromFile(%q): got %q, true; want not a value file", file, got)
		}
	}
}

func TestInvalidNameRejected(t *testing.T) {
	s := newStore(t, newFakeKeyring(), "svc", t.TempDir())
	ctx := context.Background()
	if err := s.Put(ctx, "../escape", []byte("v")); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Put: got %v; want ErrInvalidName", err)
	}
	if _, err := s.Get(ctx, "../escape"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Get: got %v; want ErrInvalidName", err)
	}
	if err := s.Delete(ctx, "../escape"); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Delete: got %v; want ErrInvalidName", err)
	}
}
