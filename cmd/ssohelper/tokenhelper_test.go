package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/config"
)

var tokenHelperProgram builtProgram

// tokenHelperBinary builds cmd/ssohelper-token once per test run.
func tokenHelperBinary(t testing.TB) string {
	t.Helper()
	return tokenHelperProgram.get(t, "ssohelper-token", filepath.Join("..", "ssohelper-token"))
}

// TestTokenHelper runs cmd/ssohelper-token, the small program scripts
// call for the token, against a sign-in in the real Secret Service. Where
// it answers by itself (a cached token, the profile resolved before, the
// vault key in the kernel key cache) its output is byte for byte that of
// `ssohelper token`; everywhere else it hands the call to ssohelper. Alone
// in a directory, without ssohelper next to it or on PATH, a hand-off
// fails: that is how each case proves which way it went.
func TestTokenHelper(t *testing.T) {
	h := signedInRealKeyring(t)
	cfg := h.env[config.EnvConfig]
	settled := time.Now().Add(-time.Minute)
	if err := os.Chtimes(cfg, settled, settled); err != nil {
		t.Fatal(err)
	}

	full := ssohelperBinary(t)
	alone := filepath.Join(t.TempDir(), "alone")
	together := filepath.Join(t.TempDir(), "together")
	for _, dir := range []string{alone, together} {
		copyFile(t, tokenHelperBinary(t), filepath.Join(dir, "ssohelper-token"))
	}
	if err := os.Symlink(full, filepath.Join(together, "ssohelper")); err != nil {
		t.Fatal(err)
	}
	run := func(bin string, extraEnv []string, args ...string) procResult {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = h.procEnv(append(withoutPath(os.Environ()), "PATH=/nonexistent"), extraEnv...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("%s: %v", bin, err)
		}
		return procResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	}
	helperAlone := filepath.Join(alone, "ssohelper-token")
	helperTogether := filepath.Join(together, "ssohelper-token")
	handedOff := func(r procResult) bool {
		return r.code == 1 && strings.Contains(r.stderr, "install ssohelper and ssohelper-token together")
	}

	// No hint yet: the first call hands off; the full program saves one.
	if r := run(helperAlone, nil); !handedOff(r) {
		t.Fatalf("before any `ssohelper token`: exit %d, %q; want a hand-off", r.code, r.stderr)
	}
	if r := run(full, nil, "token"); r.code != 0 {
		t.Fatalf("ssohelper token: exit %d: %s", r.code, r.stderr)
	}

	hits := [][]string{
		nil,
		{"--format", "json"},
		{"--format=header"},
		{"--format", "env", "--env", "PLATFORM_TOKEN"},
		{"--id-token", "--format", "json"},
		{"--min-valid", "30m"},
		{"--login"},
	}
	for _, args := range hits {
		want := run(full, nil, append([]string{"token"}, args...)...)
		got := run(helperAlone, nil, args...)
		if got.code != 0 || got.stdout != want.stdout || got.stderr != "" || want.code != 0 {
			t.Errorf("ssohelper-token %q: exit %d, stderr %q, same output %v; ssohelper token: exit %d %q",
				args, got.code, got.stderr, got.stdout == want.stdout, want.code, want.stderr)
		}
	}

	misses := []struct {
		name string
		env  []string
		args []string
		// varies: stderr differs from run to run (debug logs, or a
		// renewed token's time left), so only the rest is compared.
		varies bool
	}{
		{"debug logs", nil, []string{"-v"}, true},
		{"help", nil, []string{"--help"}, false},
		{"an unknown format", nil, []string{"--format", "yaml"}, false},
		{"a bad variable name", nil, []string{"--format", "env", "--env", "1X"}, false},
		{"an argument", nil, []string{"extra"}, false},
		{"less left than --min-valid (the platform's 4 h)", nil, []string{"--min-valid", "5h"}, true},
		{"another profile", nil, []string{"--profile", "nosuch"}, false},
		{"the file store", []string{envFileStore + "=1"}, nil, false},
		{"no kernel key cache", []string{envNoKeyCache + "=1"}, nil, false},
		{"an issuer override", []string{config.EnvIssuer + "=https://other.example"}, nil, false},
	}
	for _, m := range misses {
		t.Run("hands off: "+m.name, func(t *testing.T) {
			if r := run(helperAlone, m.env, m.args...); !handedOff(r) {
				t.Fatalf("alone: exit %d, stdout %d bytes, stderr %q; want a hand-off", r.code, len(r.stdout), r.stderr)
			}
			want := run(full, m.env, append([]string{"token"}, m.args...)...)
			got := run(helperTogether, m.env, m.args...)
			if got.code != want.code || got.stdout != want.stdout {
				t.Errorf("with ssohelper: exit %d, same stdout %v; ssohelper token: exit %d", got.code, got.stdout == want.stdout, want.code)
			}
			if !m.varies && got.stderr != want.stderr {
				t.Errorf("stderr %q; ssohelper token's %q", got.stderr, want.stderr)
			}
		})
	}

	// A change to the config file makes the hint miss until the full
	// program has read the file again.
	if err := os.WriteFile(cfg, append(mustRead(t, cfg), "\n# edited\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(cfg, settled.Add(time.Second), settled.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if r := run(helperAlone, nil); !handedOff(r) {
		t.Errorf("after the config changed: exit %d, %q; want a hand-off", r.code, r.stderr)
	}
	if r := run(helperTogether, nil); r.code != 0 || r.stdout == "" {
		t.Fatalf("through ssohelper after the change: exit %d: %s", r.code, r.stderr)
	}
	if r := run(helperAlone, nil); r.code != 0 || r.stdout == "" {
		t.Errorf("after ssohelper read the changed config: exit %d, %q; want the token", r.code, r.stderr)
	}
}

// withoutPath is env without PATH.
func withoutPath(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PATH=") {
			out = append(out, kv)
		}
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, mustRead(t, from), 0o700); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
