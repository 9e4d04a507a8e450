package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ssohelper/ssohelper/keystore"
)

// BenchmarkLoginOIDCProvider is one whole `ssohelper login`, in process,
// against the independent OpenID provider (oidc-provider on Node.js) with
// the scripted browser of scripts/bench-signin.sh as the browser (a
// process, as a browser is): discovery, the store's check, the loopback
// server, the provider's login and consent pages, code exchange, id_token
// verification and the save, platform kind none. Each iteration starts
// signed out. With SSOHELPER_REAL_KEYRING set it saves to the real Secret
// Service, else to memory. scripts/bench-signin.sh times the same sign-in
// as a process against kubelogin; this one is for profiles:
//
//	keystore/testdata/with-keyring.sh env SSOHELPER_REAL_KEYRING=1 go test -tags nogui \
//		-run '^$' -bench LoginOIDCProvider -benchtime 100x -cpuprofile cpu.out ./cmd/ssohelper
func BenchmarkLoginOIDCProvider(b *testing.B) {
	h := newBareHarness(b)
	if os.Getenv("SSOHELPER_REAL_KEYRING") != "" {
		h.keyring = keystore.OSKeyring{}
	}
	issuer := startOIDCProvider(b, oidcClientID, h.ports, false)
	writeGenericProfile(b, h, issuer, oidcClientID)
	browser := buildSigninBrowser(b)
	open := openerFunc(func(_ context.Context, url string) error {
		return exec.Command(browser, url).Run() // as pkg/browser runs xdg-open
	})
	ctx := context.Background()
	if code := h.run(ctx, open, "login"); code != exitOK { // the vault key, warm caches
		b.Fatalf("login: exit %d: %s", code, h.stderr.String())
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if code := h.run(ctx, nil, "logout"); code != exitOK {
			b.Fatalf("logout: exit %d: %s", code, h.stderr.String())
		}
		b.StartTimer()
		if code := h.run(ctx, open, "login"); code != exitOK {
			b.Fatalf("login: exit %d: %s", code, h.stderr.String())
		}
	}
}

// buildSigninBrowser builds scripts/signin-browser into a temp dir.
func buildSigninBrowser(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "signin-browser")
	out, err := exec.Command("go", "build", "-o", bin, filepath.Join("..", "..", "scripts", "signin-browser")).CombinedOutput()
	if err != nil {
		b.Fatalf("go build scripts/signin-browser: %v\n%s", err, out)
	}
	return bin
}
