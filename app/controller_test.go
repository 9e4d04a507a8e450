package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/loopback"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/keystore"
)

// fakeBackend is a hand-written Backend. SignIn blocks until the test
// answers on signInDone (or the context ends), so tests drive each step.
type fakeBackend struct {
	mu         sync.Mutex
	profiles   []string
	def        string
	saved      map[string]*auth.SignIn
	signInDone chan error // the answer of the next SignIn
	refreshErr error
	refreshes  int
	signOuts   []string
	signOutErr error
	warnBefore time.Duration // of every profile; 0: the controller's default
}

func newFakeBackend(profiles ...string) *fakeBackend {
	b := &fakeBackend{profiles: profiles, saved: map[string]*auth.SignIn{}, signInDone: make(chan error, 1)}
	if len(profiles) > 0 {
		b.def = profiles[0]
	}
	return b
}

func (b *fakeBackend) Profiles() ([]string, string, error) { return b.profiles, b.def, nil }
func (b *fakeBackend) Info(p string) ProfileInfo {
	return ProfileInfo{Issuer: "https://idp.example/" + p, WarnBefore: b.warnBefore}
}

func (b *fakeBackend) Current(_ context.Context, p string) (*auth.SignIn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.saved[p]; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("%w: not signed in", auth.ErrLoginRequired)
}

func (b *fakeBackend) SignIn(ctx context.Context, p string, started func(string, time.Time)) (*auth.SignIn, error) {
	started("https://idp.example/authorize?state=x", t0.Add(5*time.Minute))
	select {
	case err := <-b.signInDone:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s := signedIn(4 * time.Hour)
	s.Profile = p
	b.mu.Lock()
	b.saved[p] = s
	b.mu.Unlock()
	return s, nil
}

func (b *fakeBackend) Refresh(_ context.Context, p string, _ time.Duration) (*auth.SignIn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refreshes++
	if b.refreshErr != nil {
		return nil, b.refreshErr
	}
	if s := b.saved[p]; s != nil {
		return s, nil
	}
	return nil, auth.ErrLoginRequired
}

func (b *fakeBackend) SignOut(_ context.Context, p string, endBrowser bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.signOuts = append(b.signOuts, fmt.Sprintf("%s browser=%v", p, endBrowser))
	if b.signOutErr != nil {
		return b.signOutErr
	}
	delete(b.saved, p)
	return nil
}

// fakeClipboard is an in-memory clipboard.
type fakeClipboard struct {
	mu sync.Mutex
	s  string
}

func (c *fakeClipboard) Content() string { c.mu.Lock(); defer c.mu.Unlock(); return c.s }
func (c *fakeClipboard) SetContent(s string) {
	c.mu.Lock()
	c.s = s
	c.mu.Unlock()
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// states records every state a controller publishes and lets a test wait
// for one: waits follow the controller's own progress, never a sleep.
type states struct {
	mu   sync.Mutex
	all  []State
	more chan struct{}
}

func watch(c *Controller) *states {
	s := &states{more: make(chan struct{})}
	c.Subscribe(func(st State) {
		s.mu.Lock()
		s.all = append(s.all, st)
		close(s.more)
		s.more = make(chan struct{})
		s.mu.Unlock()
	})
	return s
}

// waitFor returns the first published state that satisfies ok.
func (s *states) waitFor(t *testing.T, what string, ok func(State) bool) State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	seen := 0
	for {
		s.mu.Lock()
		for ; seen < len(s.all); seen++ {
			if ok(s.all[seen]) {
				st := s.all[seen]
				s.mu.Unlock()
				return st
			}
		}
		more := s.more
		s.mu.Unlock()
		select {
		case <-more:
		case <-ctx.Done():
			t.Fatalf("never reached: %s", what)
		}
	}
}

func newController(b *fakeBackend, clk *fakeClock) (*Controller, *fakeClipboard, *[]string) {
	cb := &fakeClipboard{}
	var notes []string
	var mu sync.Mutex
	c := &Controller{Backend: b, Clipboard: cb, Now: clk.Now, Notify: func(title, body string) {
		mu.Lock()
		notes = append(notes, title+": "+body)
		mu.Unlock()
	}}
	return c, cb, &notes
}

func TestControllerSignIn(t *testing.T) {
	tests := []struct {
		name      string
		answer    error // what the browser sign-in ends with; nil: success
		cancel    bool  // the user presses Cancel instead
		wantPhase Phase
		wantText  string // in ErrText or Note
	}{
		{name: "success", wantPhase: PhaseSignedIn},
		{name: "cancel in the app", cancel: true, wantPhase: PhaseSignedOut, wantText: "Sign-in cancelled."},
		{name: "cancel on the provider's page", answer: &loopback.AuthError{Code: "access_denied"}, wantPhase: PhaseSignedOut, wantText: "Sign-in cancelled."},
		{name: "provider error page", answer: &loopback.AuthError{Code: "invalid_scope"}, wantPhase: PhaseError, wantText: "IT team"},
		{name: "keyring locked", answer: fmt.Errorf("saving: %w", keystore.ErrKeyringUnavailable), wantPhase: PhaseError, wantText: "keyring"},
		{name: "timeout", answer: context.DeadlineExceeded, wantPhase: PhaseError, wantText: "took too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBackend("work")
			c, _, _ := newController(b, &fakeClock{t: t0})
			seen := watch(c)
			c.Load(context.Background())
			if st := c.State(); st.Phase != PhaseSignedOut {
				t.Fatalf("after Load: phase %v; want signed out", st.Phase)
			}
			c.SignIn()
			st := seen.waitFor(t, "waiting with a link", func(s State) bool { return s.Phase == PhaseWaiting && s.AuthURL != "" })
			if v := ViewOf(st); v.Countdown != "Time left: 5:00" || !v.CopyLink.Enabled {
				t.Errorf("waiting view %+v", v)
			}
			c.SignIn() // a second click while waiting does nothing
			if tt.cancel {
				c.Cancel()
			} else {
				b.signInDone <- tt.answer
			}
			c.Wait()
			st = c.State()
			if st.Phase != tt.wantPhase || !strings.Contains(st.ErrText+st.Note, tt.wantText) {
				t.Errorf("phase %v, text %q %q; want %v with %q", st.Phase, st.ErrText, st.Note, tt.wantPhase, tt.wantText)
			}
		})
	}
}

func TestControllerSignOutAndRefresh(t *testing.T) {
	b := newFakeBackend("work")
	b.saved["work"] = signedIn(time.Hour)
	clk := &fakeClock{t: t0}
	c, _, notes := newController(b, clk)
	c.Load(context.Background())
	if c.State().Phase != PhaseSignedIn {
		t.Fatalf("phase %v; want signed in", c.State().Phase)
	}
	c.RefreshNow()
	c.Wait()
	if b.refreshes != 1 || c.State().Busy {
		t.Errorf("refreshes %d, busy %v; want 1 and not busy", b.refreshes, c.State().Busy)
	}
	// The platform is down: the user who asked is told, still signed in.
	b.refreshErr = fmt.Errorf("refresh: %w", platform.ErrUnavailable)
	c.RefreshNow()
	c.Wait()
	if st := c.State(); st.Phase != PhaseSignedIn || !strings.Contains(ViewOf(st).Text, "Could not renew the token: The platform is not answering") {
		t.Errorf("phase %v, text %q; want still signed in, and told", st.Phase, ViewOf(st).Text)
	}
	// The provider ended the sign-in: signed out, and told once.
	b.refreshErr = fmt.Errorf("%w: revoked", auth.ErrLoginRequired)
	c.RefreshNow()
	c.Wait()
	if st := c.State(); st.Phase != PhaseSignedOut || len(*notes) != 1 || !strings.Contains((*notes)[0], "Sign in again") {
		t.Errorf("phase %v, notifications %q; want signed out and one notification", st.Phase, *notes)
	}
	b.refreshErr = nil
	b.saved["work"] = signedIn(time.Hour)
	c.Reload(context.Background())
	c.SignOut(true)
	c.Wait()
	if st := c.State(); st.Phase != PhaseSignedOut || len(b.signOuts) != 1 || b.signOuts[0] != "work browser=true" {
		t.Errorf("phase %v, sign-outs %v", st.Phase, b.signOuts)
	}
	b.signOutErr = errors.New("keyring locked")
	b.saved["work"] = signedIn(time.Hour)
	c.Reload(context.Background())
	c.SignOut(false)
	c.Wait()
	if st := c.State(); st.Phase != PhaseError || st.Err == nil {
		t.Errorf("failed sign-out: phase %v; want the error shown", st.Phase)
	}
}

func TestControllerCopyToken(t *testing.T) {
	b := newFakeBackend("work")
	s := signedIn(time.Hour)
	s.Platform.AccessToken = "platform-token-1"
	b.saved["work"] = s
	clk := &fakeClock{t: t0}
	c, cb, _ := newController(b, clk)
	c.Load(context.Background())
	c.CopyToken()
	c.Wait()
	if cb.Content() != "platform-token-1" {
		t.Fatalf("clipboard %q; want the token", cb.Content())
	}
	clk.Add(30 * time.Second)
	c.Tick()
	if cb.Content() != "platform-token-1" || !strings.Contains(TrayMenu(c.State())[4].Label, "cleared from the clipboard after 60 s") {
		t.Errorf("after 30 s: clipboard %q, menu %q", cb.Content(), TrayMenu(c.State())[4].Label)
	}
	clk.Add(30 * time.Second)
	c.Tick()
	if cb.Content() != "" {
		t.Errorf("after 60 s: clipboard %q; want it cleared", cb.Content())
	}
	// Something else copied meanwhile is left alone.
	c.CopyToken()
	c.Wait()
	cb.SetContent("the user's own text")
	clk.Add(61 * time.Second)
	c.Tick()
	if cb.Content() != "the user's own text" {
		t.Errorf("clipboard %q; want the user's own copy kept", cb.Content())
	}
}

func TestControllerProfiles(t *testing.T) {
	b := newFakeBackend("work", "test")
	b.saved["test"] = signedIn(time.Hour)
	c, _, _ := newController(b, &fakeClock{t: t0})
	c.Load(context.Background())
	if st := c.State(); st.Profile != "work" || st.Phase != PhaseSignedOut {
		t.Fatalf("start: %q %v", st.Profile, st.Phase)
	}
	c.SwitchProfile(context.Background(), "test")
	if st := c.State(); st.Profile != "test" || st.Phase != PhaseSignedIn || st.Issuer != "https://idp.example/test" {
		t.Errorf("after switch: %q %v %q", st.Profile, st.Phase, st.Issuer)
	}
	c.SwitchProfile(context.Background(), "nope")
	if c.State().Profile != "test" {
		t.Errorf("switched to an unknown profile")
	}
	// Another process signed out: Reload follows.
	delete(b.saved, "test")
	c.Reload(context.Background())
	if c.State().Phase != PhaseSignedOut {
		t.Errorf("after an outside sign-out: %v", c.State().Phase)
	}
	// No configuration at all: first run.
	empty := newFakeBackend()
	c2, _, _ := newController(empty, &fakeClock{t: t0})
	c2.Load(context.Background())
	if c2.State().Phase != PhaseFirstRun {
		t.Errorf("no profiles: phase %v; want first run", c2.State().Phase)
	}
}

func TestControllerHandleMessage(t *testing.T) {
	b := newFakeBackend("work", "test")
	c, _, _ := newController(b, &fakeClock{t: t0})
	c.Load(context.Background())
	tests := []struct {
		msg         string
		wantShow    bool
		wantProfile string
	}{
		{"open", true, "work"},
		{"login test", true, "test"},
		{"login", true, "test"},
		{"login nope", false, "test"},
		{"logout", false, "test"},
		{"login ../x", false, "test"},
	}
	for _, tt := range tests {
		show, err := c.HandleMessage(context.Background(), tt.msg)
		if show != tt.wantShow || (err == nil) != tt.wantShow || c.State().Profile != tt.wantProfile {
			t.Errorf("%q: show %v, err %v, profile %q; want %v, %q", tt.msg, show, err, c.State().Profile, tt.wantShow, tt.wantProfile)
		}
		if c.State().Phase == PhaseWaiting {
			t.Errorf("%q started a sign-in; a link never does", tt.msg)
		}
	}
}
