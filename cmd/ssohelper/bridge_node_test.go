package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestBridgeNodeClient runs the plugin developers' client module
// (examples/uxp-plugin/ssohelper-client.js) under Node, whose fetch and
// WebSocket stand in for UXP's, against the real bridge (`ssohelper
// serve`): it pairs, the user approves on the command line, it gets a
// token, hears token_refreshed after a forced refresh by another process,
// and is revoked on the command line, which it hears before its
// connection closes. A second serve finds the bridge running.
func TestBridgeNodeClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		realPart(t, "node (Debian nodejs)", err.Error())
	}
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	port := freePorts(t, 1)[0]
	env := append(handoffEnv(t, h, t.TempDir()), fmt.Sprintf("%s=%d", envBridgePort, port))

	serve := exec.Command(ssohelperBinary(t), "-v", "serve")
	serve.Env = env
	serveLog := newTranscript()
	serve.Stderr = serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait(); t.Logf("serve log:\n%s", serveLog) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := serveLog.waitFor(ctx, "ssohelper bridge on"); err != nil {
		t.Fatalf("serve did not start: %v", err)
	}

	args := []string{}
	if out, _ := exec.Command(node, "-e", "process.stdout.write(typeof WebSocket)").Output(); string(out) != "function" {
		args = append(args, "--experimental-websocket") // Node 20
	}
	script, _ := filepath.Abs(filepath.Join("..", "..", "examples", "uxp-plugin", "test", "e2e.mjs"))
	client := exec.CommandContext(ctx, node, append(args, script, fmt.Sprint(port))...)
	stdout, err := client.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var clientErr strings.Builder
	client.Stderr = &clientErr
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func(prefix string) string {
		t.Helper()
		for lines.Scan() {
			line := lines.Text()
			if strings.HasPrefix(line, "FAIL") {
				t.Fatalf("the client failed: %s\n%s", line, clientErr.String())
			}
			if strings.HasPrefix(line, prefix) {
				return strings.TrimSpace(strings.TrimPrefix(line, prefix))
			}
		}
		t.Fatalf("the client never printed %s; stderr:\n%s", prefix, clientErr.String())
		return ""
	}
	cli := func(wantCode int, args ...string) string {
		t.Helper()
		out, errs, code := runProc(t, env, "", args...)
		if code != wantCode {
			t.Fatalf("ssohelper %s: exit %d; want %d\n%s", strings.Join(args, " "), code, wantCode, errs)
		}
		return out + errs
	}

	next("HELLO")
	code := next("CODE")
	if out := cli(0, "bridge", "pending"); !strings.Contains(out, code) || !strings.Contains(out, "Node E2E") {
		t.Errorf("bridge pending:\n%s", out)
	}
	if out := cli(0, "bridge", "approve", code); !strings.Contains(out, `Approved plugin "Node E2E" (com.example.e2e)`) {
		t.Errorf("bridge approve said %q", out)
	}
	if got := next("TOKEN "); got != "platform designer@example.com" {
		t.Errorf("token: %q", got)
	}
	next("READY")
	cli(exitConfig, "token", "--min-valid", "24h") // renews, then says the token lives less
	if ev := next("EVENT"); ev != "token_refreshed" {
		t.Errorf("event %q; want token_refreshed", ev)
	}
	if got := next("TOKEN2"); got != "new" {
		t.Errorf("after the refresh the client got the %s token", got)
	}
	if out := cli(0, "bridge", "list"); !strings.Contains(out, "com.example.e2e") || !strings.Contains(out, "Node E2E") {
		t.Errorf("bridge list:\n%s", out)
	}
	cli(0, "bridge", "revoke", "com.example.e2e")
	if ev := next("EVENT"); ev != "plugin_revoked" {
		t.Errorf("event %q; want plugin_revoked", ev)
	}
	if got := next("CLOSED"); !strings.HasPrefix(got, "1000 revoked") {
		t.Errorf("close %q; want 1000 revoked", got)
	}
	if got := next("AFTER"); got != "unauthorized unpaired" {
		t.Errorf("after revocation: %q", got)
	}
	if err := client.Wait(); err != nil {
		t.Errorf("node: %v\n%s", err, clientErr.String())
	}

	// One bridge per user.
	if out := cli(0, "serve"); !strings.Contains(out, fmt.Sprintf("already runs on port %d", port)) {
		t.Errorf("second serve: %q", out)
	}
	audit, _ := os.ReadFile(filepath.Join(h.dataDir(), "bridge-audit.log"))
	for _, ev := range []string{"pair_requested", "pair_approved", `"event":"token"`, "revoked"} {
		if !strings.Contains(string(audit), ev) {
			t.Errorf("audit log lacks %s:\n%s", ev, audit)
		}
	}
	if strings.Contains(string(audit), h.loadSession().Platform.AccessToken) {
		t.Error("the audit log holds a token")
	}
}
