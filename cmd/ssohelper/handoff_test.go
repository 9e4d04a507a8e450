package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/app/instance"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// handoffEnv is the environment of ssohelper subprocesses on h's config
// and file store, with a private runtime dir (no desktop app unless the
// test plays one) and bin first on PATH.
func handoffEnv(t *testing.T, h *harness, bin string) []string {
	return h.procEnv(scrubbedEnv(), envFileStore+"=1", config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret],
		"XDG_RUNTIME_DIR="+t.TempDir(), "HOME="+t.TempDir(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// runProc runs the ssohelper binary with env and stdin; it returns stdout,
// stderr and the exit code.
func runProc(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(ssohelperBinary(t), args...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// TestTokenFormats: every format of `token`, --id-token and --min-valid,
// as a subprocess against the emulator.
func TestTokenFormats(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	env := handoffEnv(t, h, t.TempDir())
	s := h.loadSession()
	tok := s.Platform.AccessToken

	out, errs, code := runProc(t, env, "", "token")
	if code != 0 || out != tok+"\n" {
		t.Fatalf("token: exit %d, stdout %d bytes; stderr %s", code, len(out), errs)
	}
	out, _, _ = runProc(t, env, "", "token", "--format", "header")
	if out != "Authorization: Bearer "+tok+"\n" {
		t.Errorf("header format: %q", strings.ReplaceAll(out, tok, "<token>"))
	}
	out, _, _ = runProc(t, env, "", "token", "--format", "json")
	var j map[string]string
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("json format: %v", err)
	}
	if j["token"] != tok || j["type"] != "Bearer" || j["kind"] != "platform" || j["profile"] != "work" ||
		j["user"] != "designer@example.com" || j["scope"] != "site_36_internalApi" {
		t.Errorf("json format: %v", strings.ReplaceAll(out, tok, "<token>"))
	}
	if exp, err := time.Parse(time.RFC3339, j["expiry"]); err != nil || !exp.Equal(s.Platform.Expiry.Truncate(time.Second)) {
		t.Errorf("json expiry %q (%v); want %v", j["expiry"], err, s.Platform.Expiry)
	}
	out, _, _ = runProc(t, env, "", "token", "--format", "env", "--env", "PLATFORM")
	sh := exec.Command("sh", "-c", out+`printf '%s|%s|%s' "$PLATFORM" "$PLATFORM_PROFILE" "$PLATFORM_USER"`)
	if got, err := sh.Output(); err != nil || string(got) != tok+"|work|designer@example.com" {
		t.Errorf("env format read by sh: %v, %q", err, strings.ReplaceAll(string(got), tok, "<token>"))
	}
	out, _, _ = runProc(t, env, "", "token", "--id-token")
	if out != s.IDToken+"\n" {
		t.Error("--id-token did not print the id_token")
	}

	// --min-valid: 30 minutes are left on the cached token: no renewal;
	// 5 hours is more than a fresh platform token lives (4 h): a clear
	// refusal after renewing.
	before := h.srv.Counts()
	if out, _, code := runProc(t, env, "", "token", "--min-valid", "30m"); code != 0 || out != tok+"\n" {
		t.Errorf("--min-valid 30m: exit %d, a different token: %v", code, out != tok+"\n")
	}
	if h.srv.Counts() != before {
		t.Errorf("--min-valid 30m renewed a token with 4 h left: %+v -> %+v", before, h.srv.Counts())
	}
	_, errs, code = runProc(t, env, "", "token", "--min-valid", "5h")
	if code != exitConfig || !strings.Contains(errs, "less than --min-valid 5h0m0s") {
		t.Errorf("--min-valid 5h: exit %d, %q; want exit %d saying the token lives less", code, errs, exitConfig)
	}
	for _, bad := range [][]string{{"--format", "yaml"}, {"--env", "1X"}, {"--min-valid", "-1m"}} {
		if _, errs, code := runProc(t, env, "", append([]string{"token"}, bad...)...); code != exitConfig || strings.Contains(errs, tok) {
			t.Errorf("token %v: exit %d, %q; want exit %d", bad, code, errs, exitConfig)
		}
	}
}

// TestTokenLogin: signed out, plain `token` exits 4; `token --login`
// signs in through the browser when no desktop app runs, and through the
// running desktop app when one does (here the test plays the app: it
// receives the request on the single-instance socket and "the user"
// signs in), then prints the token.
func TestTokenLogin(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	bin := t.TempDir()
	urlFile := filepath.Join(bin, "opened-url")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + urlFile + ".tmp && mv " + urlFile + ".tmp " + urlFile + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(handoffEnv(t, h, bin), "DISPLAY=:99")

	if out, errs, code := runProc(t, env, "", "token"); code != exitSignInNeed || out != "" || !strings.Contains(errs, "login") {
		t.Fatalf("signed out: exit %d, stdout %q, stderr %q; want exit 4 and a hint", code, out, errs)
	}

	// No desktop app: the browser.
	cmd := exec.Command(ssohelperBinary(t), "token", "--login", "--format", "json")
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := waitFile(t, urlFile)
	if err := os.Remove(urlFile); err != nil { // a second browser would write it again
		t.Fatal(err)
	}
	if err := (&authtest.Browser{Username: "designer", Password: "Design-2026!"}).Open(t.Context(), url); err != nil {
		t.Fatalf("browser: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("token --login: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), `"user":"designer@example.com"`) {
		t.Errorf("token --login printed %q", out.String())
	}

	// A desktop app runs: the request goes there.
	h.mustRun(nil, "logout")
	runtime := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_RUNTIME_DIR="); ok {
			runtime = v
		}
	}
	asked := make(chan string, 1)
	in, err := instance.Claim(instance.SocketPath(func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return runtime
		}
		return ""
	}), "open", func(m string) { asked <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer in.Release()
	cmd = exec.Command(ssohelperBinary(t), "token", "--login")
	cmd.Env = env
	out.Reset()
	errb.Reset()
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-asked:
		if m != "login work" {
			t.Errorf("the app was asked %q; want login work", m)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the desktop app was never asked; stderr: %s", errb.String())
	}
	h.mustRun(goBrowser("designer", "Design-2026!"), "login") // the user clicks Sign in in the app
	if err := cmd.Wait(); err != nil {
		t.Fatalf("token --login with the app: %v\n%s", err, errb.String())
	}
	if got := strings.TrimSpace(out.String()); got != h.loadSession().Platform.AccessToken {
		t.Errorf("token --login with the app printed %d bytes, not the new token", len(got))
	}
	if !strings.Contains(errb.String(), "click Sign in in the ssohelper window") {
		t.Errorf("stderr does not say where to sign in: %s", errb.String())
	}
	if _, err := os.Stat(urlFile); err == nil {
		t.Errorf("a browser was opened although the app took the sign-in")
	}
}

// waitFile waits for path to appear (a stand-in xdg-open writes it) and
// returns its content.
func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return ""
}

// TestExec: exec passes the token in the environment, stdin and stdout
// through, the command's exit code back, signals on; signed out, the
// command never runs.
func TestExec(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	env := handoffEnv(t, h, t.TempDir())
	marker := filepath.Join(t.TempDir(), "ran")
	if _, errs, code := runProc(t, env, "", "exec", "--", "touch", marker); code != exitSignInNeed {
		t.Errorf("signed out: exit %d, %s; want 4", code, errs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran although no sign-in was there")
	}
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	tok := h.loadSession().Platform.AccessToken

	out, errs, code := runProc(t, env, "from stdin", "exec", "--", "sh", "-c", `printf '%s|%s|' "$SSOHELPER_TOKEN" "$SSOHELPER_TOKEN_PROFILE"; cat; exit 7`)
	if code != 7 || out != tok+"|work|from stdin" || strings.Contains(errs, "exited") || strings.Count(errs, "\n") != 1 {
		t.Errorf("exec: exit %d, stdout ok %v, stderr %q; want exit 7, the token, stdin echoed, only the file-store notice on stderr", code, out == tok+"|work|from stdin", errs)
	}
	out, _, code = runProc(t, env, "", "exec", "--env", "PLATFORM", "--", "sh", "-c", `printf '%s' "$PLATFORM" "$SSOHELPER_TOKEN"`)
	if code != 0 || out != tok {
		t.Errorf("exec --env PLATFORM: exit %d, stdout matches %v", code, out == tok)
	}
	if _, _, code := runProc(t, env, "", "exec", "--", "sh", "-c", "kill -9 $$"); code != 128+9 {
		t.Errorf("killed command: exit %d; want 137", code)
	}
	if _, errs, code := runProc(t, env, "", "exec", "--", "no-such-command-ssohelper"); code != exitConfig || !strings.Contains(errs, "no-such-command-ssohelper") {
		t.Errorf("missing command: exit %d, %q", code, errs)
	}

	// SIGTERM to ssohelper reaches the command, which decides how to end.
	cmd := exec.Command(ssohelperBinary(t), "exec", "--", "sh", "-c", `trap 'echo got TERM; exit 42' TERM; echo ready; while :; do sleep 0.05; done`)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("the command did not start: %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 42 || string(rest) != "got TERM\n" {
		t.Errorf("SIGTERM: exit %d, output %q; want 42 after the command's trap ran", code, rest)
	}
}
