package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/keystore"
)

// brokenKeyring is a keyring that cannot be reached: every call fails.
type brokenKeyring struct{ err error }

func (k brokenKeyring) Get(string, string) (string, error) { return "", k.err }
func (k brokenKeyring) Set(string, string, string) error   { return k.err }
func (k brokenKeyring) Delete(string, string) error        { return k.err }

// TestLogoutUnreadable: logout deletes a saved sign-in without revoking it
// only when it was read and found damaged, or with --force. A store that
// cannot be reached, or a vault key that is not there, deletes nothing.
func TestLogoutUnreadable(t *testing.T) {
	noBus := errors.New("dbus: couldn't determine address of session bus")
	tests := []struct {
		name      string
		fileStore bool // sign in with the file store
		break_    func(h *harness)
		args      []string // after "logout"
		wantCode  int
		wantKept  bool     // the session file is still there
		wantText  []string // in stderr
	}{
		{
			name:     "keyring unreachable",
			break_:   func(h *harness) { h.keyring = brokenKeyring{noBus} },
			wantCode: exitError, wantKept: true,
			wantText: []string{"to fix: start a system keyring", "nothing was deleted", "--force"},
		},
		{
			name:      "signed in with the file store, logout without it",
			fileStore: true,
			break_:    func(h *harness) { h.keyring = &memKeyring{m: map[string]string{}} },
			wantCode:  exitError, wantKept: true,
			wantText: []string{"to fix: your sign-in may be in the file store: add --insecure-file-store", "nothing was deleted"},
		},
		{
			name:     "keyring unreachable, --force",
			break_:   func(h *harness) { h.keyring = brokenKeyring{noBus} },
			args:     []string{"--force"},
			wantCode: exitOK,
			wantText: []string{"deleted it without revoking (--force)", "stays valid at the identity provider"},
		},
		{
			name: "damaged file",
			break_: func(h *harness) {
				path := filepath.Join(h.dataDir(), sessionFile(t, h))
				if err := os.WriteFile(path, []byte("not a sealed file"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: exitOK,
			wantText: []string{"is damaged", "cannot be revoked; deleted it"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			if tt.fileStore {
				h.useFileStore()
			}
			h.mustRun(goBrowser("designer", "Design-2026!"), "login")
			file := sessionFile(t, h)
			tt.break_(h)

			code := h.run(context.Background(), nil, append([]string{"logout"}, tt.args...)...)
			stderr := h.stderr.String()
			if code != tt.wantCode {
				t.Errorf("exit %d; want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
			_, err := os.Stat(filepath.Join(h.dataDir(), file))
			if kept := err == nil; kept != tt.wantKept {
				t.Errorf("session file kept = %v; want %v", kept, tt.wantKept)
			}
			if got := h.srv.Counts().Revoke; got != 0 {
				t.Errorf("revocations = %d; want 0 (the refresh token could not be read)", got)
			}
		})
	}
}

// TestLogoutRevokeFails: offline, logout deletes the local sign-in as asked
// and says until when the refresh token stays valid at the provider.
func TestLogoutRevokeFails(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	end := h.loadSession().SessionEnd
	h.srv.Close() // the provider is unreachable
	h.mustRun(nil, "logout")
	stderr := h.stderr.String()
	for _, want := range []string{"Could not revoke the refresh token", "stays valid at the identity provider until " + when(end, end)[:16], "Signed out of profile work"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if names, err := h.store().Names(context.Background()); err != nil || len(names) != 0 {
		t.Errorf("store still holds %v (%v); want nothing", names, err)
	}
}

// sessionFile is the file name of profile work's saved sign-in.
func sessionFile(t *testing.T, h *harness) string {
	t.Helper()
	entries, err := os.ReadDir(h.dataDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "session") && strings.HasSuffix(e.Name(), ".vault") {
			return e.Name()
		}
	}
	t.Fatalf("no session file in %s", h.dataDir())
	return ""
}

var _ keystore.Keyring = brokenKeyring{}
