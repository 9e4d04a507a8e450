package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// transcripts collects everything a person or a log could see during a
// run: each command's stderr (and stdout, where it is not the token the
// command hands out by design), the bridge's log, audit log and goroutine
// dump, the desktop app's log and window and tray text.
type transcripts struct {
	mu   sync.Mutex
	text map[string]string
}

func (tr *transcripts) add(name, text string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.text == nil {
		tr.text = map[string]string{}
	}
	tr.text[name] += text
}

// TestRedaction runs sign-in, refresh, token, exec, the bridge and error
// paths at debug level, in the CLI and in the desktop app's controller,
// and fails if any token, code, PKCE verifier, secret or password that
// crossed the emulator, or that the bridge issued, appears in any log
// line, error message, audit log, window or tray text, or goroutine dump.
func TestRedaction(t *testing.T) {
	h := newHarness(t, authtest.Options{RotateRefreshTokens: true})
	h.useFileStore()
	var tr transcripts
	ctx := context.Background()
	cli := func(name string, opener auth.Opener, tokenOnStdout bool, args ...string) int {
		t.Helper()
		code := h.run(ctx, opener, append([]string{"-v"}, args...)...)
		tr.add(name+" (stderr)", h.stderr.String())
		if !tokenOnStdout {
			tr.add(name+" (stdout)", h.stdout.String())
		}
		return code
	}
	browser := goBrowser("designer", "Design-2026!")
	expire := func() {
		h.editSession(func(s *auth.SignIn) {
			s.Expiry = time.Now().Add(-time.Minute)
			if s.Platform != nil {
				s.Platform.Expiry = time.Now().Add(-time.Minute)
			}
		})
	}

	// The CLI, at debug level: the happy paths.
	if code := cli("login", browser, false, "login"); code != exitOK {
		t.Fatalf("login: exit %d\n%s", code, h.stderr.String())
	}
	var signIns []*auth.SignIn
	signIns = append(signIns, h.loadSession())
	cli("token", nil, true, "token")
	cli("token json", nil, true, "token", "--format", "json")
	cli("token env", nil, true, "token", "--format", "env")
	cli("status", nil, false, "status", "--settings")
	cli("claims", nil, false, "claims")
	cli("doctor", nil, false, "doctor")
	cli("exec", nil, false, "exec", "--", "sh", "-c", "test -n \"$SSOHELPER_TOKEN\"")
	expire()
	if code := cli("refresh", nil, true, "token"); code != exitOK {
		t.Fatalf("refresh: exit %d\n%s", code, h.stderr.String())
	}
	signIns = append(signIns, h.loadSession())

	// Error paths: each fault, then the state is restored.
	for _, f := range []struct {
		name  string
		path  string
		fault authtest.Fault
	}{
		{"refresh refused", "/oauth2/token", authtest.Fault{Status: 400, Body: `{"error":"invalid_grant","error_description":"Refresh Token has been revoked"}`}},
		{"provider 503", "/oauth2/token", authtest.Fault{Status: 503, Body: "<html>busy</html>"}},
		{"provider garbage", "/oauth2/token", authtest.Fault{Status: 200, Body: "not json"}},
		{"platform 500", h.srv.PlatformURL() + "/oauth/token", authtest.Fault{Status: 500, Body: `{"error":"server_error"}`}},
	} {
		path := strings.TrimPrefix(f.path, h.srv.URL())
		h.srv.SetFault(path, f.fault)
		expire()
		cli(f.name, nil, true, "token")
		h.srv.ClearFaults()
	}
	h.srv.SetTamperIDToken(true)
	cli("tampered id_token", browser, false, "login")
	h.srv.SetTamperIDToken(false)
	h.srv.SetFault(h.srv.ProvisionPath(), authtest.Fault{Status: 503, Body: "down"})
	cli("platform down at sign-in", browser, false, "login")
	h.srv.ClearFaults()
	wrong, cancel := context.WithTimeout(ctx, 30*time.Second)
	var browserErr error
	code := h.run(wrong, stopOnError(goBrowser("designer", "not-the-password"), cancel, &browserErr), "-v", "login")
	cancel()
	tr.add("wrong password (stderr)", h.stderr.String())
	if code == exitOK || browserErr == nil {
		t.Fatalf("a wrong password signed in (exit %d, browser %v)", code, browserErr)
	}
	if code := cli("login again", browser, false, "login"); code != exitOK {
		t.Fatalf("login again: exit %d\n%s", code, h.stderr.String())
	}
	signIns = append(signIns, h.loadSession())

	// The bridge, as a real process at debug level, with a goroutine dump
	// taken while it holds a token.
	bridgeSecrets := redactionBridge(t, h, &tr)

	// The desktop app: its controller on the same wiring as the window,
	// logging at debug level, through sign-in, refresh, a failed refresh
	// and sign-out; the window's and the tray's text of every state.
	redactionDesktop(t, h, &tr)

	cli("logout", nil, false, "logout")

	// Every secret of the run.
	secrets := map[string]string{}
	for _, s := range h.srv.Secrets() {
		secrets[s] = "a value that crossed the emulator"
	}
	for _, si := range signIns {
		secrets[si.IDToken] = "an id_token"
		secrets[si.AccessToken] = "an access token"
		secrets[si.RefreshToken] = "a refresh token"
		if si.Platform != nil {
			secrets[si.Platform.AccessToken] = "a platform token"
			if si.Platform.RefreshToken != "" {
				secrets[si.Platform.RefreshToken] = "a platform refresh token"
			}
		}
	}
	secrets["Design-2026!"] = "the password"
	secrets["not-the-password"] = "the wrong password"
	secrets[h.env[config.EnvPlatformSecret]] = "the platform client app secret"
	for _, s := range bridgeSecrets {
		secrets[s] = "a plugin's bridge secret"
	}
	// A JWT's parts can leak alone: its signature, its payload.
	for s, what := range secrets {
		if parts := strings.Split(s, "."); len(parts) == 3 {
			for i, p := range parts[1:] {
				secrets[p] = fmt.Sprintf("part %d of %s", i+2, what)
			}
		}
	}
	delete(secrets, "")
	if len(h.srv.Secrets()) < 20 {
		t.Fatalf("only %d secrets crossed the emulator; the run did not do what it should", len(h.srv.Secrets()))
	}
	if !strings.Contains(tr.text["login (stderr)"], "level=DEBUG") {
		t.Fatalf("the login ran without debug logging:\n%s", tr.text["login (stderr)"])
	}
	checked := 0
	for name, text := range tr.text {
		checked += len(text)
		for s, what := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s shows %s (%.6s…)", name, what, s)
			}
		}
	}
	t.Logf("%d transcripts, %d bytes, searched for %d secrets", len(tr.text), checked, len(secrets))
}

// redactionBridge runs `serve` at debug level, pairs a plugin, gets a
// token, is refused a bad secret, and dumps its goroutines (SIGQUIT)
// while it holds a token. It returns the secrets the bridge issued.
func redactionBridge(t *testing.T, h *harness, tr *transcripts) []string {
	port := freePorts(t, 1)[0]
	env := append(handoffEnv(t, h, t.TempDir()), fmt.Sprintf("%s=%d", envBridgePort, port), "GOTRACEBACK=all")
	serve := exec.Command(ssohelperBinary(t), "-v", "serve")
	serve.Env = env
	serveLog := newTranscript()
	serve.Stderr = serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := serveLog.waitFor(ctx, "ssohelper bridge on"); err != nil {
		t.Fatalf("serve did not start: %v", err)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	call := func(method, path, secret string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, rd)
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	_, pair := call(http.MethodPost, "/v1/pair", "", map[string]string{"id": "com.example.redaction", "name": "Redaction"})
	request, _ := pair["request"].(string)
	codeStr, _ := pair["code"].(string)
	out, errs, code := runProc(t, env, "", "-v", "bridge", "approve", codeStr)
	tr.add("bridge approve", out+errs)
	if code != exitOK {
		t.Fatalf("bridge approve: exit %d\n%s", code, errs)
	}
	_, approved := call(http.MethodGet, "/v1/pair/"+request, "", nil)
	secret, _ := approved["secret"].(string)
	if secret == "" {
		t.Fatalf("pairing gave no secret: %v", approved)
	}
	if status, tok := call(http.MethodGet, "/v1/token", secret, nil); status != http.StatusOK || tok["token"] == "" {
		t.Fatalf("bridge token: %d %v", status, tok)
	}
	if status, _ := call(http.MethodGet, "/v1/token", secret+"x", nil); status != http.StatusUnauthorized {
		t.Errorf("a wrong secret: %d; want 401", status)
	}
	out, errs, _ = runProc(t, env, "", "-v", "bridge", "list")
	tr.add("bridge list", out+errs)

	// The goroutine dump, as a crash would print it.
	if err := serve.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	_ = serve.Wait()
	dump := serveLog.String()
	if !strings.Contains(dump, "goroutine ") {
		t.Fatalf("SIGQUIT printed no goroutine dump:\n%.2000s", dump)
	}
	tr.add("bridge log and goroutine dump", dump)
	audit, err := os.ReadFile(filepath.Join(h.dataDir(), "bridge-audit.log"))
	if err != nil || len(audit) == 0 {
		t.Fatalf("no audit log: %v", err)
	}
	tr.add("bridge audit log", string(audit))
	return []string{secret, request}
}
