package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
)

// realPart skips a test that needs a real part of the system, unless
// SSOHELPER_REQUIRE_REAL is set (CI), where a missing part fails the run.
func realPart(t testing.TB, what, why string) {
	t.Helper()
	if os.Getenv("SSOHELPER_REQUIRE_REAL") != "" {
		t.Fatalf("%s is required (SSOHELPER_REQUIRE_REAL is set) but unavailable: %s", what, why)
	}
	t.Skipf("%s unavailable (%s); run scripts/test.sh to run this test", what, why)
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SSOHELPER_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		realPart(t, "Chromium", err.Error())
	}
	return p
}

// chromium drives a real headless Chromium through the hosted login page.
type chromium struct {
	t          *testing.T
	exec       string
	user, pass string
	shot       string // where to save a screenshot of the final page

	// Set when the browser is done, like a real browser that outlives the
	// command that opened it.
	done  chan struct{}
	title string // the final page's <h1>
	err   error
}

// wait waits for the browser side to finish, and fails the test (instead
// of hanging) when the command never opened it.
func (c *chromium) wait(t *testing.T, h *harness) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("the browser never finished; stderr:\n%s", h.stderr.String())
	}
}

// Open starts the browser and returns at once; the user's part runs on
// until done is closed.
func (c *chromium) Open(context.Context, string) error { panic("use opener()") }

func (c *chromium) opener() auth.Opener {
	c.done = make(chan struct{})
	return openerFunc(func(_ context.Context, url string) error {
		defer close(c.done)
		c.err = c.browse(url)
		return c.err
	})
}

// profileDir is a fresh Chromium profile. Chromium may still be writing
// to it for a moment after it is told to quit, so it is removed best-effort
// rather than with t.TempDir's strict cleanup.
func (c *chromium) profileDir() string {
	dir, err := os.MkdirTemp("", "ssohelper-chromium-")
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

func (c *chromium) browse(url string) error {
	ctx := context.Background()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(c.exec), chromedp.NoSandbox, chromedp.UserDataDir(c.profileDir()),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	)
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 20*time.Second)
	defer cancel()
	var png []byte
	err := chromedp.Run(bctx,
		// A tab the system opened may not be closed by a script; make this
		// CDP-created tab behave the same so the page stays to be read.
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument("window.close = function () {};").Do(ctx)
			return err
		}),
		chromedp.Navigate(url),
		chromedp.WaitVisible(`#signin`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="username"]`, c.user, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, c.pass, chromedp.ByQuery),
		chromedp.Click(`#signin`, chromedp.ByQuery),
		chromedp.WaitVisible(`body.ok, body.error, body.fail`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("h1").textContent`, &c.title),
		chromedp.Sleep(400*time.Millisecond), // the "close this tab" note appears after 300 ms
		chromedp.CaptureScreenshot(&png),
	)
	if err != nil {
		return fmt.Errorf("chromium: %w", err)
	}
	if c.shot != "" {
		return os.WriteFile(c.shot, png, 0o644)
	}
	return nil
}

// TestLoginChromium runs `ssohelper login` while headless Chromium opens
// the authorize URL, fills the hosted login form and follows the redirect
// into the real loopback server.
func TestLoginChromium(t *testing.T) {
	exec := chromiumPath(t)
	h := newHarness(t, authtest.Options{})
	c := &chromium{t: t, exec: exec, user: "designer", pass: "Design-2026!", shot: artifact(t, "chromium-success.png")}
	start := time.Now()
	code := h.run(context.Background(), c.opener(), "login")
	if code != exitOK {
		t.Fatalf("exit = %d; stderr:\n%s", code, h.stderr.String())
	}
	t.Logf("chromium sign-in took %s", time.Since(start).Round(time.Millisecond))
	c.wait(t, h)
	if c.err != nil {
		t.Fatalf("browser side: %v", c.err)
	}
	if got, want := strings.TrimSpace(c.title), "Signed in"; got != want {
		t.Errorf("final page title = %q; want %q", got, want)
	}
	if got := h.srv.Counts().CodeGrant; got != 1 {
		t.Errorf("code grants = %d; want 1", got)
	}
}

// artifact returns out/screenshots/name at the top of the project, for a
// screenshot for a person to look at after the run.
func artifact(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "out", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// TestLoginSystemBrowserPath goes through the real opener (pkg/browser,
// which runs xdg-open on Linux). A stand-in xdg-open hands the address to
// headless Chromium, the way a desktop hands it to the default browser.
func TestLoginSystemBrowserPath(t *testing.T) {
	exec := chromiumPath(t)
	if runtime.GOOS != "linux" {
		t.Skip("xdg-open is the Linux opener")
	}
	bin := t.TempDir()
	urlFile := filepath.Join(bin, "opened-url")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + urlFile + ".tmp && mv " + urlFile + ".tmp " + urlFile + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	h := newHarness(t, authtest.Options{})
	c := &chromium{t: t, exec: exec, user: "admin", pass: "Admin-2026!"}
	browse := c.opener()
	go func() {
		// The desktop "starts the browser" once xdg-open ran. The bound is
		// generous (60 s) so a loaded machine gets there too.
		for range 1200 {
			if b, err := os.ReadFile(urlFile); err == nil {
				browse.Open(context.Background(), string(b))
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.err = errors.New("xdg-open was never run")
		close(c.done)
	}()
	var stderr bytes.Buffer
	code := h.run(context.Background(), &systemBrowser{stderr: &stderr}, "login")
	if code != exitOK {
		t.Fatalf("exit = %d; stderr:\n%s", code, h.stderr.String())
	}
	c.wait(t, h)
	if c.err != nil {
		t.Fatalf("browser side: %v", c.err)
	}
	if got, want := strings.TrimSpace(c.title), "Signed in"; got != want {
		t.Errorf("final page title = %q; want %q", got, want)
	}
}

// TestLoginChromiumFails: the browser tab tells the truth about a sign-in
// that fails after the user signed in, instead of "Signed in", and the
// command fails saying why:
//   - the platform refuses the account;
//   - the sign-in cannot be saved: a directory squats on the session
//     file's name, so the final rename fails.
func TestLoginChromiumFails(t *testing.T) {
	exec := chromiumPath(t)
	tests := []struct {
		name, user, pass string
		before           func(t *testing.T, h *harness)
		wantTitle        string
		wantErr          func(h *harness) []string
	}{
		{
			name: "not-allowed", user: "outsider", pass: "Outsider-2026!",
			wantTitle: "Not allowed on the platform",
			wantErr:   func(*harness) []string { return []string{"not allowed"} },
		},
		{
			name: "not-saved", user: "designer", pass: "Design-2026!",
			before: func(t *testing.T, h *harness) {
				squat := filepath.Join(h.dataDir(), "session~work.vault", "in-the-way")
				if err := os.MkdirAll(squat, 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantTitle: "Signed in, but not saved",
			wantErr: func(h *harness) []string {
				return []string{"saving the sign-in", "to fix: check that you can write to " + h.dataDir()}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, authtest.Options{})
			if tt.before != nil {
				tt.before(t, h)
			}
			c := &chromium{t: t, exec: exec, user: tt.user, pass: tt.pass, shot: artifact(t, "chromium-"+tt.name+".png")}
			code := h.run(context.Background(), c.opener(), "login")
			c.wait(t, h)
			if code != exitError {
				t.Errorf("exit = %d; want %d; stderr:\n%s", code, exitError, h.stderr.String())
			}
			if c.err != nil {
				t.Fatalf("browser side: %v", c.err)
			}
			if got := strings.TrimSpace(c.title); got != tt.wantTitle {
				t.Errorf("final page title = %q; want %q", got, tt.wantTitle)
			}
			for _, want := range tt.wantErr(h) {
				if !strings.Contains(h.stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, h.stderr.String())
				}
			}
		})
	}
}
