package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestKeyringMissing: on a machine without a Secret Service (no D-Bus
// session), commands that need the keyring say what to do, lose nothing,
// and the opt-in file store works and is announced.
func TestKeyringMissing(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	bin := ssohelperBinary(t)
	runtimeDir := t.TempDir() // no bus socket in it
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
			env = append(env, kv)
		}
	}
	env = h.procEnv(env, "XDG_RUNTIME_DIR="+runtimeDir)
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader("a-platform-secret\n")
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	code, out := run("login", "--no-browser")
	if code != exitError || !strings.Contains(out, "not started") || strings.Contains(out, "/oauth2/authorize") {
		t.Errorf("login without a keyring: exit %d, output:\n%s\nwant exit 1 before any sign-in address is shown", code, out)
	}
	code, out = run("config", "set-secret", "platform")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitError || !strings.HasPrefix(lines[0], "ssohelper: to fix: start a system keyring") ||
		!strings.Contains(lines[0], "--insecure-file-store") || !strings.Contains(out, "system keyring unavailable") {
		t.Errorf("set-secret without a keyring: exit %d, output:\n%s\nwant exit 1, the fix (a keyring or --insecure-file-store) first, then the cause", code, out)
	}
	for _, l := range lines {
		if len(l) > 200 {
			t.Errorf("line of %d characters; want each point on a short line of its own: %q", len(l), l)
		}
	}
	if _, err := os.Stat(filepath.Join(h.dataDir(), "vault.key")); err == nil {
		t.Errorf("a vault key file was written without opting in")
	}
	code, out = run("--insecure-file-store", "config", "set-secret", "platform")
	if code != exitOK || !strings.Contains(out, "using the file store") {
		t.Errorf("set-secret with --insecure-file-store: exit %d, output:\n%s\nwant 0 and the announcement", code, out)
	}
	fi, err := os.Stat(filepath.Join(h.dataDir(), "vault.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("vault key file: %v, mode %v; want 0600", err, fi)
	}
}

// TestKeyringTimeout: a Secret Service that accepts the connection and
// never answers (a keyring stuck behind an unlock prompt) costs at most
// the keyring timeout and says what to do.
func TestKeyringTimeout(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // accept and hold every connection, answering nothing
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cmd := exec.Command(ssohelperBinary(t), "config", "set-secret", "platform")
	cmd.Env = h.procEnv(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=unix:path="+sock)
	cmd.Stdin = strings.NewReader("a-platform-secret\n")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitError {
		t.Fatalf("exit: %v; want %d; output:\n%s", err, exitError, out)
	}
	if !strings.Contains(string(out), "did not answer within 5s") || !strings.Contains(string(out), "locked") {
		t.Errorf("output does not explain the timeout:\n%s", out)
	}
}
