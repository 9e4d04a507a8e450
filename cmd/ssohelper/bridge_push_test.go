//go:build !nogui && linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/ssohelper/ssohelper/auth/authtest"
)

// TestBridgePushChanges: a paired plugin's push connection to `ssohelper
// serve` hears what other processes do: signed_out on logout, signed_in
// on login, profile_changed when the profile's settings change.
func TestBridgePushChanges(t *testing.T) {
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	pairBenchPlugin(t, h)
	port := freePorts(t, 1)[0]
	env := append(handoffEnv(t, h, t.TempDir()), fmt.Sprintf("%s=%d", envBridgePort, port))
	serve := exec.Command(ssohelperBinary(t), "serve")
	serve.Env = env
	log := newTranscript()
	serve.Stderr = log
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := log.waitFor(ctx, "ssohelper bridge on"); err != nil {
		t.Fatalf("serve: %v\n%s", err, log)
	}
	c, _, err := websocket.Dial(ctx, fmt.Sprintf("ws://127.0.0.1:%d/v1/events", port), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := wsjson.Write(ctx, c, map[string]string{"type": "auth", "secret": benchSecret}); err != nil {
		t.Fatal(err)
	}
	next := func() string {
		t.Helper()
		var ev map[string]any
		if err := wsjson.Read(ctx, c, &ev); err != nil {
			t.Fatalf("reading events: %v\n%s", err, log)
		}
		return fmt.Sprint(ev["type"])
	}
	if ev := next(); ev != "ready" {
		t.Fatalf("first message %q", ev)
	}
	if _, errs, code := runProc(t, env, "", "logout"); code != 0 {
		t.Fatalf("logout: %d %s", code, errs)
	}
	if ev := next(); ev != "signed_out" {
		t.Errorf("after logout: %q; want signed_out", ev)
	}
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	if ev := next(); ev != "signed_in" {
		t.Errorf("after login: %q; want signed_in", ev)
	}
	cfg := h.env["SSOHELPER_CONFIG"]
	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(raw), "site_id = '36'", "site_id = '37'", 1)
	if changed == string(raw) {
		t.Fatalf("no site_id in the config:\n%s", raw)
	}
	if err := os.WriteFile(cfg, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if ev := next(); ev != "profile_changed" {
		t.Errorf("after the config changed: %q; want profile_changed", ev)
	}
}
