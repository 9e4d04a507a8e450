package keystore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestFileKeyringStore(t *testing.T) {
	testStore(t, func(t *testing.T) Keyring {
		return NewFileKeyring(filepath.Join(t.TempDir(), "keys", "vault-key.json"))
	})
}

func TestFileKeyring(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "vault-key.json")
	kr := NewFileKeyring(path)
	if _, err := kr.Get("svc", "u"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get before Set: got %v; want ErrNotFound", err)
	}
	if err := kr.Set("svc", "u", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := kr.Set("other", "u", "p2"); err != nil {
		t.Fatal(err)
	}
	if got, err := NewFileKeyring(path).Get("svc", "u"); got != "p1" || err != nil {
		t.Errorf("Get: got %q, %v; want \"p1\", nil", got, err)
	}
	if err := kr.Delete("svc", "u"); err != nil {
		t.Errorf("Delete: got %v; want nil", err)
	}
	if err := kr.Delete("svc", "u"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: got %v; want ErrNotFound", err)
	}
	if got, err := kr.Get("other", "u"); got != "p2" || err != nil {
		t.Errorf("Get(other): got %q, %v; want \"p2\", nil", got, err)
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file: got %v, %v; want mode 0600", fi, err)
		}
	}

	if err := os.WriteFile(path, []byte("{not json: s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := kr.Get("svc", "u")
	if !errors.Is(err, ErrKeyDamaged) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Get of broken file: got %v; want ErrKeyDamaged that quotes no content", err)
	}
}

func TestDescribeAndInsecure(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/some/bus")
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		kr       Keyring
		want     string
		insecure bool
	}{
		{OSKeyring{}, osKeyringKind + " + encrypted files in " + dir, false},
		{NewFileKeyring("/k.json"), "INSECURE plaintext key file /k.json + encrypted files in " + dir, true},
		{newFakeKeyring(), "keyring *keystore.fakeKeyring + encrypted files in " + dir, false},
	} {
		s, err := New(Options{Dir: dir, Keyring: tc.kr})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Describe(); got != filepath.FromSlash(tc.want) && got != tc.want {
			t.Errorf("Describe: got %q; want %q", got, tc.want)
		}
		if got := s.Insecure(); got != tc.insecure {
			t.Errorf("Insecure for %T: got %v; want %v", tc.kr, got, tc.insecure)
		}
	}
}

// TestDescribeNoBus: with no D-Bus session bus, the system keyring is
// described as unavailable, not as the store in use.
func TestDescribeNoBus(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the system keyring needs no D-Bus on " + runtime.GOOS)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	want := osKeyringKind + ", unavailable: no D-Bus session bus"
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		want = osKeyringKind // godbus finds the user bus there
	}
	if got := (OSKeyring{}).Describe(); got != want {
		t.Errorf("Describe: got %q; want %q", got, want)
	}
}

func TestNewAndDefaultDir(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without Dir: got nil error; want one")
	}
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	if got, err := DefaultDir(); got != filepath.Join(data, "ssohelper") || err != nil {
		t.Errorf("DefaultDir with XDG_DATA_HOME: got %q, %v; want %q", got, err, filepath.Join(data, "ssohelper"))
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	if got, err := DefaultDir(); err != nil || !filepath.IsAbs(got) || filepath.Base(got) != "ssohelper" {
		t.Errorf("DefaultDir with relative XDG_DATA_HOME: got %q, %v; want an absolute .../ssohelper", got, err)
	}
}
