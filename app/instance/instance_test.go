//go:build unix

package instance

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestClaim: the first launch claims the socket, a second one hands it
// its message and stops, and a socket left by a crashed app is replaced.
func TestClaim(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	path := filepath.Join(dir, "ssohelper.sock")
	got := make(chan string, 4)
	in, err := Claim(path, "open", func(m string) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket: %v, %v; want mode 0600", fi, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket dir: %v, %v; want mode 0700", fi, err)
	}
	if _, err := Claim(path, "open", func(string) { t.Error("the second launch got a message") }); !errors.Is(err, ErrRunning) {
		t.Fatalf("second launch: got %v; want ErrRunning", err)
	}
	if m := <-got; m != "open" {
		t.Errorf("the running app got %q; want open", m)
	}
	in.Release()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket left after release (%v)", err)
	}

	// A crashed app: the socket file is there, nobody listens.
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket not there: %v", err)
	}
	in, err = Claim(path, "open", func(string) {})
	if err != nil {
		t.Fatalf("claiming over a stale socket: %v", err)
	}
	in.Release()
}

// TestAdopt: the socket survives the switch between images: a duplicate
// made Inheritable is adopted (as after exec) and answers launches, and no
// launch in between finds the socket free.
func TestAdopt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssohelper.sock")
	in, err := Claim(path, "open", func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	f, err := in.Inheritable()
	if err != nil {
		t.Fatal(err)
	}
	// The old image stops serving without removing the socket, as exec does.
	in.l.Close()
	<-in.done
	got := make(chan string, 1)
	adopted, err := Adopt(f.Fd(), path, func(m string) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer adopted.Release()
	if _, err := Claim(path, "login work", func(string) { t.Error("the second launch got a message") }); !errors.Is(err, ErrRunning) {
		t.Fatalf("launch after the switch: got %v; want ErrRunning", err)
	}
	if m := <-got; m != "login work" {
		t.Errorf("the adopted socket got %q", m)
	}
	if _, err := Adopt(^uintptr(0)>>1, path, func(string) {}); err == nil {
		t.Error("adopting a descriptor that is not open worked")
	}
}

// TestSend: a command reaches the running app without becoming one, and
// learns when none runs (also over a crashed app's socket).
func TestSend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssohelper.sock")
	if err := Send(path, "login work"); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("no app: got %v; want ErrNotRunning", err)
	}
	got := make(chan string, 1)
	in, err := Claim(path, "open", func(m string) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	if err := Send(path, "login work"); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m != "login work" {
		t.Errorf("the app got %q", m)
	}
	in.l.Close() // crashed: the socket file stays, nobody listens
	<-in.done
	if err := Send(path, "open"); !errors.Is(err, ErrNotRunning) {
		t.Errorf("crashed app: got %v; want ErrNotRunning", err)
	}
}
