package keystore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tokenSize is about a Cognito id + access + refresh token set.
const tokenSize = 4 << 10

func BenchmarkGetFake(b *testing.B) {
	benchmarkGet(b, newFakeKeyring(), "ssohelper-bench")
}

// BenchmarkGetReal measures Get against the system keyring; "cold" is what
// one `ssohelper token` process pays. "secret-tool lookup" runs the CLI
// of the same name on an entry of the same size, for comparison.
func BenchmarkGetReal(b *testing.B) {
	if os.Getenv("SSOHELPER_REAL_KEYRING") != "1" {
		b.Skip("set SSOHELPER_REAL_KEYRING=1 to benchmark the system keyring; " +
			"keystore/testdata/with-keyring.sh provides a private one")
	}
	service := "ssohelper-bench-" + filepath.Base(b.TempDir())
	benchmarkGet(b, OSKeyring{}, service)

	if _, err := exec.LookPath("secret-tool"); err != nil {
		return
	}
	b.Run("secret-tool lookup", func(b *testing.B) {
		store := exec.Command("secret-tool", "store", "--label=bench", "service", service, "username", "bench")
		store.Stdin = strings.NewReader(strings.Repeat("t", tokenSize))
		if out, err := store.CombinedOutput(); err != nil {
			b.Fatalf("secret-tool store: %v: %s", err, out)
		}
		b.Cleanup(func() { _ = exec.Command("secret-tool", "clear", "service", service, "username", "bench").Run() })
		for b.Loop() {
			if out, err := exec.Command("secret-tool", "lookup", "service", service, "username", "bench").Output(); err != nil || len(out) != tokenSize {
				b.Fatalf("secret-tool lookup: %d bytes, %v", len(out), err)
			}
		}
	})
}

func benchmarkGet(b *testing.B, kr Keyring, service string) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := New(Options{Dir: dir, Keyring: kr, Service: service})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Wipe(context.Background()) })
	if err := s.Put(ctx, "tokens/dev", randomBytes(b, tokenSize)); err != nil {
		b.Fatal(err)
	}
	b.Run("cold", func(b *testing.B) { // A new process: one keyring read.
		for b.Loop() {
			fresh, _ := New(Options{Dir: dir, Keyring: kr, Service: service})
			if _, err := fresh.Get(ctx, "tokens/dev"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) { // A long-running process: key cached.
		for b.Loop() {
			if _, err := s.Get(ctx, "tokens/dev"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
