package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// builtProgram is a program the tests build once per run.
type builtProgram struct {
	once sync.Once
	path string
	err  error
}

// get builds package pkg (a path relative to this one) as name with
// extra go build args, the first time; then returns its path.
func (b *builtProgram) get(t testing.TB, name, pkg string, args ...string) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", name+"-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, name)
		cmd := append(append([]string{"build", "-o", b.path}, args...), pkg)
		if out, err := exec.Command("go", cmd...).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

var ssohelperProgram builtProgram

// ssohelperBinary builds the real command once per test run, with or
// without the desktop app like the test binary itself.
func ssohelperBinary(t testing.TB) string {
	t.Helper()
	if !hasDesktop { // the same build as the tests: -tags nogui
		return ssohelperProgram.get(t, "ssohelper", ".", "-tags", "nogui")
	}
	return ssohelperProgram.get(t, "ssohelper", ".")
}

// procResult is one subprocess's outcome.
type procResult struct {
	code           int
	stdout, stderr string
}

// runProcs starts n `ssohelper args...` processes at once against the
// harness's config and file store, and waits for all of them.
func (h *harness) runProcs(t *testing.T, n int, args ...string) []procResult {
	t.Helper()
	bin := ssohelperBinary(t)
	env := h.procEnv(os.Environ(), config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret], envFileStore+"=1")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results := make([]procResult, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Env = env
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			start.Wait()
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				code = -1
			}
			results[i] = procResult{code, out.String(), errb.String()}
		}()
	}
	start.Done()
	wg.Wait()
	return results
}

// expectSameToken checks every process succeeded and printed one token.
func expectSameToken(t *testing.T, results []procResult) string {
	t.Helper()
	tok := results[0].stdout
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("process %d: exit %d; stderr:\n%s", i, r.code, r.stderr)
		}
		if r.stdout != tok {
			t.Errorf("process %d printed another token than process 0", i)
		}
	}
	if len(tok) < 10 {
		t.Fatalf("token output = %q", tok)
	}
	return tok
}

// TestRefreshStorm: 32 separate `ssohelper token` processes ask at expiry;
// exactly one refreshes, the others wait for its result.
func TestRefreshStorm(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	base := h.srv.Counts()

	// Round 1: the platform token expired; its refresh token works.
	h.editSession(func(s *auth.SignIn) { s.Platform.Expiry = time.Now().Add(-time.Second) })
	tok := expectSameToken(t, h.runProcs(t, 32, "token"))
	got := h.srv.Counts()
	t.Logf("round 1 (platform refresh): %d platform refreshes, %d Cognito refreshes", got.PlatformRefresh-base.PlatformRefresh, got.CognitoRefresh-base.CognitoRefresh)
	if got.PlatformRefresh-base.PlatformRefresh != 1 || got.CognitoRefresh != base.CognitoRefresh {
		t.Errorf("round 1: platform refreshes %d, Cognito refreshes %d; want 1, 0", got.PlatformRefresh-base.PlatformRefresh, got.CognitoRefresh-base.CognitoRefresh)
	}
	if saved := h.loadSession().Platform.AccessToken + "\n"; saved != tok {
		t.Errorf("the printed token is not the saved one")
	}

	// Round 2: the platform refresh token is dead too, so the chain goes to
	// Cognito's refresh token and a new provision, once.
	base = got
	h.editSession(func(s *auth.SignIn) {
		s.Platform.Expiry = time.Now().Add(-time.Second)
		s.Platform.RefreshToken = "revoked-by-the-platform"
	})
	expectSameToken(t, h.runProcs(t, 32, "token"))
	got = h.srv.Counts()
	t.Logf("round 2 (Cognito refresh): %d platform refreshes, %d Cognito refreshes, %d provisions", got.PlatformRefresh-base.PlatformRefresh, got.CognitoRefresh-base.CognitoRefresh, got.Provision-base.Provision)
	if got.PlatformRefresh-base.PlatformRefresh != 1 || got.CognitoRefresh-base.CognitoRefresh != 1 || got.Provision-base.Provision != 1 {
		t.Errorf("round 2: platform refreshes %d, Cognito refreshes %d, provisions %d; want 1, 1, 1",
			got.PlatformRefresh-base.PlatformRefresh, got.CognitoRefresh-base.CognitoRefresh, got.Provision-base.Provision)
	}
}

// TestRotationGraceZero: with refresh-token rotation and no grace period, a
// rotated token is stored before anything else, so repeated storms never
// see invalid_grant.
func TestRotationGraceZero(t *testing.T) {
	h := newHarness(t, authtest.Options{RotateRefreshTokens: true, RefreshGrace: 0})
	h.writeProfile(func(p *config.Profile) { p.Platform = config.Platform{Kind: config.KindNone} })
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	const rounds = 5
	for round := range rounds {
		first := h.loadSession().RefreshToken
		h.editSession(func(s *auth.SignIn) { s.Expiry = time.Now().Add(-time.Second) })
		expectSameToken(t, h.runProcs(t, 16, "token"))
		if got := h.srv.Counts().CognitoRefresh; got != round+1 {
			t.Fatalf("round %d: Cognito refreshes = %d; want %d", round, got, round+1)
		}
		if h.loadSession().RefreshToken == first {
			t.Fatalf("round %d: the refresh token was not rotated", round)
		}
	}
}
