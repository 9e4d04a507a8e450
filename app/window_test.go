package app

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ssohelper/ssohelper/auth/loopback"
)

func TestMain(m *testing.M) {
	// Dates in the goldens are rendered in local time: fix it.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// windowFixture is a window on the Fyne test driver, with a controller on
// a fake backend and a fake clock. render applies the current state, as
// Run does through fyne.Do.
type windowFixture struct {
	t    *testing.T
	app  fyne.App
	w    *Window
	c    *Controller
	b    *fakeBackend
	clk  *fakeClock
	seen *states
}

func newWindowFixture(t *testing.T, b *fakeBackend) *windowFixture {
	a := test.NewTempApp(t)
	clk := &fakeClock{t: t0}
	c := &Controller{Backend: b, Clipboard: a.Clipboard(), Now: clk.Now}
	f := &windowFixture{t: t, app: a, b: b, clk: clk, c: c, seen: watch(c)}
	f.w = NewWindow(a, c, nil)
	f.w.Diagnostics = func() string { return diagnostics(Options{Version: "test"}, c.State()) }
	t.Cleanup(f.w.Win.Close)
	c.Load(context.Background())
	f.render()
	return f
}

func (f *windowFixture) render() {
	s := f.c.State()
	f.w.Render(ViewOf(s), s.Profiles, s.Profile)
}

// until waits for a state, then renders it.
func (f *windowFixture) until(what string, ok func(State) bool) {
	f.t.Helper()
	f.seen.waitFor(f.t, what, ok)
	f.render()
}

func TestWindowSignInCancelSignOut(t *testing.T) {
	f := newWindowFixture(t, newFakeBackend("work"))
	if !f.w.SignIn.Visible() || f.w.SignOut.Visible() || f.w.Cancel.Visible() {
		t.Fatalf("signed out: sign in %v, sign out %v, cancel %v", f.w.SignIn.Visible(), f.w.SignOut.Visible(), f.w.Cancel.Visible())
	}
	test.AssertRendersToImage(t, "signed-out.png", f.w.Win.Canvas())

	// Sign in, then cancel from the window.
	test.Tap(f.w.SignIn)
	f.until("waiting with a link", func(s State) bool { return s.Phase == PhaseWaiting && s.AuthURL != "" })
	if !f.w.Cancel.Visible() || !f.w.CopyLink.Visible() || f.w.SignIn.Visible() || f.w.Countdown.Text != "Time left: 5:00" {
		t.Errorf("waiting: cancel %v, copy link %v, sign in %v, countdown %q", f.w.Cancel.Visible(), f.w.CopyLink.Visible(), f.w.SignIn.Visible(), f.w.Countdown.Text)
	}
	f.w.Spinner.Stop() // a still frame for the golden
	test.AssertRendersToImage(t, "waiting.png", f.w.Win.Canvas())
	test.Tap(f.w.CopyLink)
	if got := f.app.Clipboard().Content(); got != "https://idp.example/authorize?state=x" {
		t.Errorf("Copy link put %q on the clipboard", got)
	}
	test.Tap(f.w.Cancel)
	f.until("cancelled", func(s State) bool { return s.Phase == PhaseSignedOut && s.Note == "Sign-in cancelled." })

	// Sign in with Enter, finish in the browser.
	f.w.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.until("waiting again", func(s State) bool { return s.Phase == PhaseWaiting && s.AuthURL != "" })
	f.b.signInDone <- nil
	f.until("signed in", func(s State) bool { return s.Phase == PhaseSignedIn })
	if f.w.Heading.Text != "Signed in as Dana Designer" || !f.w.SignOut.Visible() || !f.w.Refresh.Visible() || !f.w.EndBrowser.Visible() {
		t.Errorf("signed in: heading %q, sign out %v, refresh %v", f.w.Heading.Text, f.w.SignOut.Visible(), f.w.Refresh.Visible())
	}
	test.AssertRendersToImage(t, "signed-in.png", f.w.Win.Canvas())

	// Sign out, also ending the browser session.
	test.Tap(f.w.EndBrowser)
	test.Tap(f.w.SignOut)
	f.until("signed out", func(s State) bool { return s.Phase == PhaseSignedOut && s.Note == "Signed out." })
	if len(f.b.signOuts) != 1 || f.b.signOuts[0] != "work browser=true" {
		t.Errorf("sign-outs %v; want one that ends the browser session", f.b.signOuts)
	}
}

func TestWindowEscCancels(t *testing.T) {
	f := newWindowFixture(t, newFakeBackend("work"))
	test.Tap(f.w.SignIn)
	f.until("waiting", func(s State) bool { return s.Phase == PhaseWaiting })
	f.w.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	f.until("cancelled", func(s State) bool { return s.Phase == PhaseSignedOut })
}

func TestWindowErrorAndDiagnostics(t *testing.T) {
	f := newWindowFixture(t, newFakeBackend("work"))
	test.Tap(f.w.SignIn)
	f.until("waiting", func(s State) bool { return s.Phase == PhaseWaiting })
	f.b.signInDone <- &loopback.AuthError{Code: "invalid_scope", Description: "invalid_scope: openid"}
	f.until("error", func(s State) bool { return s.Phase == PhaseError })
	if !strings.Contains(f.w.Text.Text, "IT team") || !f.w.Details.Visible() || !f.w.CopyDiag.Visible() || !f.w.SignIn.Visible() {
		t.Errorf("error view: text %q, details %v", f.w.Text.Text, f.w.Details.Visible())
	}
	test.AssertRendersToImage(t, "error.png", f.w.Win.Canvas())
	test.Tap(f.w.CopyDiag)
	diag := f.app.Clipboard().Content()
	if !strings.Contains(diag, "ssohelper test") || !strings.Contains(diag, "invalid_scope") || !strings.Contains(diag, "profile: work") {
		t.Errorf("diagnostics:\n%s", diag)
	}
}

func TestWindowProfilesAndFirstRun(t *testing.T) {
	b := newFakeBackend("work", "test")
	b.saved["test"] = signedIn(time.Hour)
	f := newWindowFixture(t, b)
	if !f.w.profileRow.Visible() || f.w.Profiles.Selected != "work" {
		t.Fatalf("profile picker: visible %v, selected %q", f.w.profileRow.Visible(), f.w.Profiles.Selected)
	}
	f.w.Profiles.SetSelected("test")
	f.until("switched", func(s State) bool { return s.Profile == "test" && s.Phase == PhaseSignedIn })
	if f.w.Heading.Text != "Signed in as Dana Designer" {
		t.Errorf("after switching: heading %q", f.w.Heading.Text)
	}

	first := newWindowFixture(t, newFakeBackend())
	imported := false
	first.w.OnImport = func() { imported = true }
	if !first.w.Import.Visible() || !first.w.EnterDetails.Visible() || first.w.SignIn.Visible() {
		t.Fatalf("first run: import %v, details %v, sign in %v", first.w.Import.Visible(), first.w.EnterDetails.Visible(), first.w.SignIn.Visible())
	}
	test.AssertRendersToImage(t, "first-run.png", first.w.Win.Canvas())
	test.Tap(first.w.Import)
	if !imported {
		t.Errorf("Import did nothing")
	}
}

// TestWindowTabReachesEveryControl: Tab moves through every visible
// control of the signed-in window.
func TestWindowTabReachesEveryControl(t *testing.T) {
	b := newFakeBackend("work", "test")
	b.saved["work"] = signedIn(time.Hour)
	f := newWindowFixture(t, b)
	c := f.w.Win.Canvas()
	seen := map[fyne.Focusable]bool{}
	for range 10 {
		c.FocusNext()
		if o := c.Focused(); o != nil {
			seen[o] = true
		}
	}
	for name, w := range map[string]fyne.Focusable{"profiles": f.w.Profiles, "refresh": f.w.Refresh, "end browser": f.w.EndBrowser, "sign out": f.w.SignOut} {
		if !seen[w] {
			t.Errorf("Tab never reaches %s", name)
		}
	}
	if seen[f.w.SignIn] || seen[f.w.Cancel] {
		t.Errorf("Tab reaches hidden buttons")
	}
}

// TestWindowStartAtLogin: the toggle shows the current setting, hands a
// change to the integration, and goes back with an error dialog when the
// change fails.
func TestWindowStartAtLogin(t *testing.T) {
	f := newWindowFixture(t, newFakeBackend("work"))
	if f.w.AtLogin.Visible() {
		t.Fatal("the toggle shows without an integration")
	}
	calls := make(chan bool, 2)
	var fail error
	f.w.UseAutostart(false, func(on bool) error { err := fail; calls <- on; return err })
	f.render()
	if !f.w.AtLogin.Visible() || f.w.AtLogin.Checked {
		t.Fatalf("toggle visible %v, checked %v; want visible, unchecked", f.w.AtLogin.Visible(), f.w.AtLogin.Checked)
	}
	test.Tap(f.w.AtLogin)
	if on := <-calls; !on || !f.w.AtLogin.Checked {
		t.Errorf("turning it on: set(%v), checked %v", on, f.w.AtLogin.Checked)
	}
	fail = errors.New("permission denied")
	test.Tap(f.w.AtLogin)
	if on := <-calls; on {
		t.Errorf("turning it off: set(%v)", on)
	}
	if !f.w.AtLogin.Checked {
		t.Error("a failed change left the toggle off")
	}
	// First run offers it too; waiting for the browser does not.
	if !ViewOf(State{Phase: PhaseFirstRun}).AtLogin || ViewOf(State{Phase: PhaseWaiting}).AtLogin {
		t.Error("AtLogin: want it on the first-run screen, not while waiting")
	}
}
