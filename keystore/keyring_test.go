package keystore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestKeyringTimeout(t *testing.T) {
	kr := newFakeKeyring()
	kr.Delay = time.Minute // A locked keyring waiting on a prompt.
	s, err := New(Options{Dir: t.TempDir(), Keyring: kr, Timeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Put(context.Background(), "dev", []byte("v"))
	if !errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("Put: got %v; want ErrKeyringTimeout", err)
	}
	for _, want := range []string{"did not answer within 20ms", "is it locked?"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q: want it to contain %q", err, want)
		}
	}
	if h := hintOf(err); !strings.HasPrefix(h, "unlock the system keyring") || strings.Contains(h, "\n") {
		t.Errorf("hint %q: want one line that starts with what to do", h)
	}
}

// hintOf returns the one-line hint in err's chain, or "".
func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

func TestKeyringContextCancelled(t *testing.T) {
	kr := newFakeKeyring()
	kr.Delay = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := New(Options{Dir: t.TempDir(), Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Put(ctx, "dev", []byte("v"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Put with cancelled context: got %v; want context.Canceled", err)
	}
}

func TestMapKeyringError(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "unix", Err: os.ErrNotExist}
	for _, tc := range []struct {
		in   error
		want error // nil: none of the sentinels
	}{
		{keyring.ErrNotFound, ErrNotFound},
		{ErrNotFound, ErrNotFound},
		{errors.New("dbus: couldn't determine address of session bus"), ErrKeyringUnavailable},
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrKeyringUnavailable},
		{errors.New("The name is not activatable"), ErrKeyringUnavailable},
		{errors.New("DBUS_SESSION_BUS_ADDRESS not set"), ErrKeyringUnavailable},
		{fmt.Errorf("connecting: %w", opErr), ErrKeyringUnavailable},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrKeyringUnavailable},
		{keyring.ErrSetDataTooBig, nil},
		{errors.New("something else"), nil},
	} {
		got := mapKeyringError(tc.in)
		for _, sentinel := range []error{ErrNotFound, ErrKeyringUnavailable, ErrKeyringTimeout} {
			if is, want := errors.Is(got, sentinel), sentinel == tc.want; is != want {
				t.Errorf("mapKeyringError(%q) = %q: errors.Is(%v) got %v; want %v", tc.in, got, sentinel, is, want)
			}
		}
		if tc.want == ErrKeyringUnavailable && !strings.Contains(hintOf(got), "--insecure-file-store") {
			t.Errorf("mapKeyringError(%q) = %q: want the --insecure-file-store hint", tc.in, got)
		}
	}
}

// TestOSKeyringUnavailable runs the real go-keyring against a D-Bus address
// that does not exist, in a child process because godbus caches the session
// bus per process.
func TestOSKeyringUnavailable(t *testing.T) {
	if os.Getenv("SSOHELPER_KEYSTORE_CHILD") == "unavailable" {
		_, err := callKeyring(context.Background(), 5*time.Second, func() (string, error) {
			return OSKeyring{}.Get("ssohelper-test", keyUser)
		})
		fmt.Printf("errors.Is(ErrKeyringUnavailable)=%v: %v\nhint: %s\n", errors.Is(err, ErrKeyringUnavailable), err, hintOf(err))
		return
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("go-keyring uses D-Bus only on Linux and BSD")
	}
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this machine has a user session bus at /run/user/<uid>/bus")
	}
	// A dbus-launch on PATH that leaves a mark: godbus runs it to start a
	// stray session bus when it finds none, and it must not get that far.
	bin := t.TempDir()
	mark := filepath.Join(bin, "dbus-launch-ran")
	script := "#!/bin/sh\ntouch '" + mark + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, busAddress string }{
		{"bus socket missing", "unix:path=" + filepath.Join(t.TempDir(), "no-bus")},
		{"no bus address", ""},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOSKeyringUnavailable$")
		cmd.Env = append(os.Environ(), "SSOHELPER_KEYSTORE_CHILD=unavailable",
			"DBUS_SESSION_BUS_ADDRESS="+tc.busAddress, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: child: %v\n%s", tc.name, err, out)
		}
		if !strings.Contains(string(out), "errors.Is(ErrKeyringUnavailable)=true") || !strings.Contains(string(out), "gnome-keyring") {
			t.Errorf("%s: child output:\n%s\nwant ErrKeyringUnavailable with install hints", tc.name, out)
		}
	}
	if _, err := os.Stat(mark); err == nil {
		t.Errorf("dbus-launch ran; want no session bus started behind the user's back")
	}
}

func TestGetAsksKeyringOnce(t *testing.T) {
	ctx := context.Background()
	kr := newFakeKeyring()
	dir := t.TempDir()
	mustPut(t, newStore(t, kr, "svc", dir), "dev", []byte("v"))

	s := newStore(t, kr, "svc", dir) // A fresh process.
	before := kr.Gets()
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing): got %v; want ErrNotFound", err)
	}
	if got := kr.Gets() - before; got != 0 {
		t.Errorf("keyring reads for a missing value: got %d; want 0", got)
	}
	for range 3 {
		if _, err := s.Get(ctx, "dev"); err != nil {
			t.Fatal(err)
		}
	}
	if got := kr.Gets() - before; got != 1 {
		t.Errorf("keyring reads for three Gets: got %d; want 1", got)
	}
}

func TestMalformedVaultKey(t *testing.T) {
	kr := newFakeKeyring()
	s := newStore(t, kr, "svc", t.TempDir())
	mustPut(t, s, "dev", []byte("v"))
	if err := kr.Set("svc", keyUser, "not base64 of 32 bytes"); err != nil {
		t.Fatal(err)
	}
	fresh := newStore(t, kr, "svc", s.Dir())
	if _, err := fresh.Get(context.Background(), "dev"); !errors.Is(err, ErrKeyDamaged) || errors.Is(err, ErrCorrupt) {
		t.Errorf("Get: got %v; want ErrKeyDamaged, not ErrCorrupt (the value itself is intact)", err)
	}
	if err := fresh.Put(context.Background(), "dev", []byte("w")); !errors.Is(err, ErrKeyDamaged) {
		t.Errorf("Put: got %v; want ErrKeyDamaged (never overwrite a key silently)", err)
	}
}

func TestFakeKeyringLimit(t *testing.T) {
	kr := newFakeKeyring()
	kr.MaxEntry = 2560
	if err := kr.Set("ssohelper", "tokens", strings.Repeat("x", 3000)); !errors.Is(err, keyring.ErrSetDataTooBig) {
		t.Errorf("Set of 3000 B: got %v; want ErrSetDataTooBig (else the size tests prove nothing)", err)
	}
}

// TestConcurrentKeyCreation races first Puts from separate Stores (separate
// lock file handles, like separate processes) against a keyring with random
// latency, which widens the window between "no key" and "key stored".
func TestConcurrentKeyCreation(t *testing.T) {
	kr := newFakeKeyring()
	kr.Jitter = 3 * time.Millisecond
	dir := t.TempDir()
	errs := make(chan error, 10)
	for i := range cap(errs) {
		s := newStore(t, kr, "svc", dir)
		go func() { errs <- s.Put(context.Background(), fmt.Sprintf("n%d", i), []byte{byte(i)}) }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	reader := newStore(t, kr, "svc", dir)
	for i := range cap(errs) {
		if got, err := reader.Get(context.Background(), fmt.Sprintf("n%d", i)); err != nil || len(got) != 1 || got[0] != byte(i) {
			t.Errorf("Get(n%d): got %v, %v; want [%d], nil (one shared key)", i, got, err, i)
		}
	}
}
