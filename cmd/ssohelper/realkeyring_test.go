package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/keystore"
)

// TestRealKeyringCLI signs in through the real Secret Service and reads the
// token back with a separate `ssohelper token` process, the way a script
// does. The keyring holds only the vault key; the tokens are sealed on disk.
func TestRealKeyringCLI(t *testing.T) {
	h := signedInRealKeyring(t)
	if !strings.Contains(h.stderr.String(), "Secret Service") {
		t.Errorf("login does not say where the tokens went:\n%s", h.stderr.String())
	}

	cmd := exec.Command(ssohelperBinary(t), "token")
	cmd.Env = h.procEnv(os.Environ())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssohelper token: %v", err)
	}
	if got, want := string(out), h.loadSession().Platform.AccessToken+"\n"; got != want {
		t.Errorf("token process printed another token than the one saved")
	}
	key, err := exec.Command("secret-tool", "lookup", "service", "ssohelper", "username", "vault-key").Output()
	if err != nil || len(key) == 0 {
		t.Fatalf("secret-tool lookup of the vault key: %v", err)
	}
	if len(key) > 100 {
		t.Errorf("the keyring entry is %d bytes; want only the small vault key", len(key))
	}
}

// signedInRealKeyring is a harness signed in through the real Secret
// Service (the test runs inside keystore/testdata/with-keyring.sh); the
// store is wiped when the test ends.
func signedInRealKeyring(t *testing.T) *harness {
	t.Helper()
	if os.Getenv("SSOHELPER_REAL_KEYRING") != "1" {
		realPart(t, "the system keyring", "SSOHELPER_REAL_KEYRING is not 1; run inside keystore/testdata/with-keyring.sh")
	}
	h := newHarness(t, authtest.Options{})
	h.keyring = keystore.OSKeyring{}
	t.Cleanup(func() { h.store().Wipe(t.Context()) })
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	return h
}

// privateKeyringScript returns the path of keystore/testdata/with-keyring.sh,
// which runs a command inside a private gnome-keyring on a private D-Bus
// session, once its tools are known to be there (realPart otherwise). It
// skips off Linux, where there is no Secret Service.
func privateKeyringScript(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("gnome-keyring and the Secret Service are Linux's")
	}
	for _, tool := range []string{"dbus-run-session", "dbus-send", "gnome-keyring-daemon", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			realPart(t, "gnome-keyring", err.Error())
		}
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "keystore", "testdata", "with-keyring.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return script
}
