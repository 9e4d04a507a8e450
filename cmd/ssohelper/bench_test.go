package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/keystore"
)

// Run these with scripts/bench.sh, which prints medians and ratios.

// BenchmarkLoginEmulator is one full sign-in against the emulator without
// Chromium: discovery, loopback server, hosted login by the Go browser,
// code exchange, id_token verification, platform provision, save.
func BenchmarkLoginEmulator(b *testing.B) {
	h := newHarness(b, authtest.Options{})
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if code := h.run(ctx, goBrowser("designer", "Design-2026!"), "login"); code != exitOK {
			b.Fatalf("exit %d: %s", code, h.stderr.String())
		}
	}
}

// realKeyringHarness signs in once through the real Secret Service.
func realKeyringHarness(b *testing.B) *harness {
	if os.Getenv("SSOHELPER_REAL_KEYRING") == "" {
		b.Skip("needs the real keyring: run scripts/bench.sh")
	}
	h := newHarness(b, authtest.Options{})
	h.keyring = keystore.OSKeyring{}
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	return h
}

// BenchmarkTokenCachedProcess is `ssohelper token` with a valid cached
// token, as a subprocess through the real keyring: the hot path a plugin
// or script pays on every call.
func BenchmarkTokenCachedProcess(b *testing.B) { benchTokenProcess(b) }

// BenchmarkTokenNoKeyCacheProcess is the same with the kernel key cache
// off: every call reads the vault key from the Secret Service.
func BenchmarkTokenNoKeyCacheProcess(b *testing.B) { benchTokenProcess(b, envNoKeyCache+"=1") }

func benchTokenProcess(b *testing.B, extraEnv ...string) {
	h := realKeyringHarness(b)
	bin := ssohelperBinary(b)
	env := h.procEnv(os.Environ(), extraEnv...)
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "token")
		cmd.Env = env
		if out, err := cmd.Output(); err != nil || len(out) < 10 {
			b.Fatalf("ssohelper token: %v", err)
		}
	}
}

// BenchmarkSecretToolLookup is `secret-tool lookup` of one entry (the vault
// key ssohelper keeps) on the same keyring: the yardstick.
func BenchmarkSecretToolLookup(b *testing.B) {
	realKeyringHarness(b)
	tool, err := exec.LookPath("secret-tool")
	if err != nil {
		b.Fatal("secret-tool not found: apt-get install libsecret-tools")
	}
	b.ResetTimer()
	for range b.N {
		out, err := exec.Command(tool, "lookup", "service", "ssohelper", "username", "vault-key").Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("secret-tool lookup: %v", err)
		}
	}
}

// BenchmarkTokenCachedInProcess is the same hot path without the process
// start: config load, one keyring read, decrypt.
func BenchmarkTokenCachedInProcess(b *testing.B) {
	h := realKeyringHarness(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if code := h.run(ctx, nil, "token"); code != exitOK {
			b.Fatalf("exit %d: %s", code, h.stderr.String())
		}
	}
}

// BenchmarkProcessStart is `ssohelper config path`: the cost of starting
// the binary at all, the floor under BenchmarkTokenCachedProcess.
func BenchmarkProcessStart(b *testing.B) {
	bin := ssohelperBinary(b)
	b.ResetTimer()
	for range b.N {
		if err := exec.Command(bin, "config", "path").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRealKeyringFixture signs in on the emulator with the real
// keyring (run it inside keystore/testdata/with-keyring.sh, with
// SSOHELPER_REAL_KEYRING=1) and copies the data directory and config
// under $SSOHELPER_BENCH_DIR, for scripts/bench-token.sh to time the
// cached `ssohelper token` with hyperfine; it prints the environment to
// use. The vault key stays in the session's keyring.
func BenchmarkRealKeyringFixture(b *testing.B) {
	dir := os.Getenv("SSOHELPER_BENCH_DIR")
	if dir == "" {
		b.Fatal("set SSOHELPER_BENCH_DIR")
	}
	h := realKeyringHarness(b)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", h.dir, dir).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v\n%s", err, out)
	}
	base := filepath.Join(dir, filepath.Base(h.dir))
	fmt.Printf("FIXTURE XDG_DATA_HOME=%s SSOHELPER_CONFIG=%s %s=%s\n",
		filepath.Join(base, "xdg"), filepath.Join(base, "config.toml"), config.EnvPlatformSecret, h.env[config.EnvPlatformSecret])
	for range b.N {
	}
}
