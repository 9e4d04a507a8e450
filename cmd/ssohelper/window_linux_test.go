//go:build !nogui

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// xvfb starts a private X server and returns its DISPLAY. The server says
// which display it took on a pipe (-displayfd), so nothing waits on time.
func xvfb(t testing.TB) string {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			realPart(t, tool, err.Error())
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		realPart(t, "Xvfb", err.Error())
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("Xvfb display %q: %v", line, err)
	}
	return fmt.Sprintf(":%d", n)
}

// desktopProc is the desktop app running as its own process on a display.
type desktopProc struct {
	t       *testing.T
	cmd     *exec.Cmd
	log     *transcript // its stderr: the -v debug log
	display string
}

// startDesktop runs `ssohelper -v [args]` (the desktop app) with env.
func startDesktop(t *testing.T, display string, env []string, args ...string) *desktopProc {
	t.Helper()
	p := &desktopProc{t: t, log: newTranscript(), display: display}
	p.cmd = exec.Command(ssohelperBinary(t), append([]string{"-v"}, args...)...)
	p.cmd.Env = append(env, "DISPLAY="+display)
	p.cmd.Stderr, p.cmd.Stdout = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
		t.Logf("desktop app log:\n%s", p.log)
	})
	return p
}

// waitLog waits for the app to log text.
func (p *desktopProc) waitLog(text string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := p.log.waitFor(ctx, text); err != nil {
		p.t.Fatalf("the app never logged %q: %v", text, err)
	}
}

// x runs an X tool on the app's display.
func (p *desktopProc) x(name string, args ...string) string {
	p.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+p.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// window finds the app's window by its title.
func (p *desktopProc) window(title string) string {
	p.t.Helper()
	ids := p.x("xdotool", "search", "--sync", "--onlyvisible", "--name", "^"+title+"$")
	return strings.Fields(ids)[0]
}

// visible reports whether a window whose title matches the pattern shows.
func (p *desktopProc) visible(pattern string) bool {
	cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern)
	cmd.Env = append(os.Environ(), "DISPLAY="+p.display)
	return cmd.Run() == nil
}

// screenshot saves the window as out/screenshots/name.
func (p *desktopProc) screenshot(win, name string) string {
	p.t.Helper()
	path := artifact(p.t, name)
	p.x("import", "-window", win, path)
	return path
}

// TestDesktopRealWindow runs the desktop app in a real X server (Xvfb):
// the window is found by its title, "Sign in" is clicked with xdotool, a
// stand-in xdg-open hands the address to headless Chromium, which signs
// in on the emulator's hosted login page and comes back to the real
// loopback server; the app then shows who signed in. Screenshots of each
// screen go to out/screenshots; OCR reads the name on the signed-in one.
func TestDesktopRealWindow(t *testing.T) {
	exec0 := chromiumPath(t)
	display := xvfb(t)
	h := newHarness(t, authtest.Options{})
	h.useFileStore()

	bin := t.TempDir()
	urlFile := filepath.Join(bin, "opened-url")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + urlFile + ".tmp && mv " + urlFile + ".tmp " + urlFile + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := desktopEnv(t, h, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	app := startDesktop(t, display, env)
	app.waitLog("window shown")
	win := app.window("ssohelper — work")
	app.screenshot(win, "signed-out.png")

	// Click "Sign in" (in the signed-out layout it sits under the heading).
	app.x("xdotool", "mousemove", "--window", win, "210", "118", "click", "1")
	app.waitLog(`phase="waiting for the browser"`)
	var url string
	for url == "" { // xdg-open runs once the browser is asked for
		select {
		case <-time.After(50 * time.Millisecond):
		case <-t.Context().Done():
			t.Fatal("xdg-open never ran")
		}
		if b, err := os.ReadFile(urlFile); err == nil {
			url = string(b)
		}
	}
	app.screenshot(win, "waiting.png")
	c := &chromium{t: t, exec: exec0, user: "designer", pass: "Design-2026!"}
	if err := c.browse(url); err != nil {
		t.Fatalf("browser side: %v", err)
	}
	if strings.TrimSpace(c.title) != "Signed in" {
		t.Errorf("the browser page says %q; want Signed in", c.title)
	}
	app.waitLog(`phase="signed in" profile=work user="Dana Designer"`)
	shot := app.screenshot(win, "signed-in.png")
	if text := ocr(t, shot); !strings.Contains(text, "Signed in as Dana Designer") || !strings.Contains(strings.ToLower(text), "sign out") {
		t.Errorf("OCR of the signed-in window does not show the user and Sign out:\n%s", text)
	}
	if s := h.loadSession(); s.Claims.Email != "designer@example.com" {
		t.Errorf("saved sign-in of %q; want the designer's", s.Claims.Email)
	}

	// A second launch raises this window and stops.
	second := exec.Command(ssohelperBinary(t))
	second.Env = append(env, "DISPLAY="+display)
	if out, err := second.CombinedOutput(); err != nil || !strings.Contains(string(out), "already running") {
		t.Errorf("second launch: %v, %q; want exit 0 saying the app already runs", err, out)
	}
	app.waitLog("window shown at the request of another launch")
	// An ssohelper:// link, opened by the real xdg-open through the entry
	// install-desktop wrote, offers the profile's sign-in; a bad one is
	// refused.
	install := exec.Command(ssohelperBinary(t), "install-desktop")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("install-desktop: %v\n%s", err, out)
	}
	xdgOpen, _ := exec.LookPath("xdg-open")
	if xdgOpen == "" || xdgOpen == filepath.Join(bin, "xdg-open") {
		xdgOpen = "/usr/bin/xdg-open" // the real one, not the stand-in browser
	}
	if _, err := os.Stat(xdgOpen); err != nil {
		realPart(t, "xdg-open (xdg-utils)", err.Error())
	}
	link := exec.Command(xdgOpen, "ssohelper://login?profile=work")
	link.Env = append(env, "DISPLAY="+display)
	if out, err := link.CombinedOutput(); err != nil {
		t.Errorf("xdg-open ssohelper://login?profile=work: %v, %q", err, out)
	}
	app.waitLog(`message="login work"`)
	bad := exec.Command(ssohelperBinary(t), "ssohelper://logout")
	bad.Env = append(env, "DISPLAY="+display)
	out, err := bad.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitConfig || !strings.Contains(string(out), "refused the link") {
		t.Errorf("bad link: %v, %q; want exit 3 refusing it", err, out)
	}
	_ = app.cmd.Process.Kill()
	_ = app.cmd.Wait()

	// First run: no configuration.
	firstEnv := append(env[:len(env):len(env)], config.EnvConfig+"="+filepath.Join(t.TempDir(), "none.toml"))
	first := startDesktop(t, display, firstEnv)
	first.waitLog(`phase="first run"`)
	first.screenshot(first.window("ssohelper"), "first-run.png")
}

// ocr reads the text of an image with tesseract.
func ocr(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		realPart(t, "tesseract (OCR)", err.Error())
	}
	// Dark theme: negate and enlarge for a reliable read.
	prepared := path + ".ocr.png"
	if out, err := exec.Command("convert", path, "-negate", "-resize", "200%", prepared).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	defer os.Remove(prepared)
	out, err := exec.Command("tesseract", prepared, "-").Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return string(out)
}

// desktopEnv is the environment of a desktop app process on h's config
// and file store: a private home, cache and runtime dir, and nothing of
// the test's display or bus. extra (PATH, DBUS_SESSION_BUS_ADDRESS, …)
// comes last.
func desktopEnv(t testing.TB, h *harness, extra ...string) []string {
	home := t.TempDir()
	env := h.procEnv(scrubbedEnv(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_RUNTIME_DIR="+t.TempDir(),
		envFileStore+"=1", config.EnvPlatformSecret+"="+h.env[config.EnvPlatformSecret],
		fmt.Sprintf("%s=%d", envBridgePort, freePorts(t, 1)[0])) // each app's bridge on its own port
	return append(env, extra...)
}
