//go:build !nogui

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/bridge"
)

// TestDesktopBridge: the desktop app starts the plugin bridge in its own
// process (hello says the desktop app runs it); a plugin's pairing
// request brings up the consent dialog in the real window (OCR reads the
// plugin's name and code); the answer reaches the bridge; quitting stops
// the bridge the app started.
func TestDesktopBridge(t *testing.T) {
	display := xvfb(t)
	h := newHarness(t, authtest.Options{})
	h.useFileStore()
	h.mustRun(goBrowser("designer", "Design-2026!"), "login")
	env := desktopEnv(t, h, "PATH="+os.Getenv("PATH"))
	port := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, envBridgePort+"="); ok {
			port = v
		}
	}
	base := "http://127.0.0.1:" + port
	app := startDesktop(t, display, env)
	app.waitLog("window shown")
	app.waitLog("plugin bridge started")
	t.Cleanup(func() { // the app is killed, not quit: stop its bridge
		_, _, _ = runProc(t, env, "", "bridge", "list")
		if tok, err := bridge.ReadAdminToken(adminPath(env)); err == nil {
			req, _ := http.NewRequest("POST", base+"/v1/admin/quit", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	})
	var hello bridge.Hello
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(base + "/v1/hello")
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&hello)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bridge never answered: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // the bridge process is starting
	}
	if !hello.Desktop || hello.Helper != "ssohelper" {
		t.Errorf("hello: %+v; want the desktop app's bridge", hello)
	}

	resp, err := http.Post(base+"/v1/pair", "application/json", strings.NewReader(`{"id":"com.example.assets","name":"Asset Browser"}`))
	if err != nil {
		t.Fatal(err)
	}
	var pair map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&pair)
	resp.Body.Close()
	code := fmt.Sprint(pair["code"])
	app.waitLog("message=pairing")
	win := app.window("ssohelper — work")
	var text string
	for range 50 { // the dialog is drawn right after the bridge answers
		text = ocr(t, app.screenshot(win, "consent.png"))
		if strings.Contains(text, code) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(text, "Asset Browser") || !regexp.MustCompile(`Code\s+`+code).MatchString(text) {
		t.Errorf("OCR of the consent dialog does not show the plugin and code %s:\n%s", code, text)
	}
	// Allow (the dialog's right button); the plugin then collects its secret.
	app.x("xdotool", "mousemove", "--window", win, "300", "375", "click", "1")
	var st map[string]any
	for range 100 {
		r, err := http.Get(base + "/v1/pair/" + fmt.Sprint(pair["request"]))
		if err != nil {
			t.Fatal(err)
		}
		st = map[string]any{}
		_ = json.NewDecoder(r.Body).Decode(&st)
		r.Body.Close()
		if st["status"] != "pending" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st["status"] != "approved" {
		t.Fatalf("after clicking Allow: %v", st)
	}
	app.waitLog(`plugin pairing answered" plugin=com.example.assets allowed=true`)
}

// adminPath is the bridge's admin token file for env's runtime dir.
func adminPath(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_RUNTIME_DIR="); ok {
			return v + "/ssohelper-bridge.token"
		}
	}
	return ""
}
