package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssohelper/ssohelper/auth"
)

// Backend is what the app needs from the sign-in layer. cmd wires it to
// the configuration, the keystore and auth/account, the same layer the
// command line uses.
type Backend interface {
	// Profiles lists the configured profiles and the default one; no
	// profiles means the app is not set up yet (first run).
	Profiles() (names []string, def string, err error)
	// Info describes profile for display: its identity provider and how
	// long before the sign-in's hard end to warn.
	Info(profile string) ProfileInfo
	// Current returns the usable saved sign-in of profile, or an error
	// matching auth.ErrLoginRequired when there is none. No network.
	Current(ctx context.Context, profile string) (*auth.SignIn, error)
	// SignIn runs the browser sign-in of profile and saves it; started
	// learns the address and the deadline as soon as they are known.
	SignIn(ctx context.Context, profile string, started func(authURL string, deadline time.Time)) (*auth.SignIn, error)
	// Refresh returns a sign-in whose token is valid for at least margin,
	// renewing it when needed (through the cross-process lock).
	Refresh(ctx context.Context, profile string, margin time.Duration) (*auth.SignIn, error)
	// SignOut revokes and deletes the saved sign-in of profile; with
	// endBrowser it also ends the provider's browser session.
	SignOut(ctx context.Context, profile string, endBrowser bool) error
}

// ProfileInfo is what the app shows and uses of a profile's settings.
type ProfileInfo struct {
	Issuer     string
	WarnBefore time.Duration
}

// Clipboard is the system clipboard.
type Clipboard interface {
	Content() string
	SetContent(string)
}

// Controller owns the app's State and runs the actions of the window and
// the tray. Actions run off the UI thread; every change of State reaches
// the subscribers (the window and the tray apply it with fyne.Do).
type Controller struct {
	Backend   Backend
	Clipboard Clipboard
	Now       func() time.Time
	// Notify shows a system notification; nil => none.
	Notify func(title, body string)
	Logger *slog.Logger
	// WarnBefore is how long before a sign-in's hard end to warn.
	WarnBefore time.Duration

	mu       sync.Mutex
	st       State
	subs     []func(State)
	cancel   context.CancelFunc // of the sign-in under way
	copied   string             // the token put on the clipboard
	actionWG sync.WaitGroup
	running  atomic.Int32 // actions under way
}

// DefaultWarnBefore is the default warning time before a sign-in's hard end.
const DefaultWarnBefore = 24 * time.Hour

// State returns the current state.
func (c *Controller) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Subscribe calls fn with every new state, from the goroutine that changed
// it. fn must not block.
func (c *Controller) Subscribe(fn func(State)) {
	c.mu.Lock()
	c.subs = append(c.subs, fn)
	c.mu.Unlock()
}

// update changes the state under the lock and tells the subscribers.
func (c *Controller) update(change func(*State)) State {
	c.mu.Lock()
	change(&c.st)
	c.st.Now = c.now()
	if c.st.WarnBefore == 0 {
		c.st.WarnBefore = c.warnBefore()
	}
	st, subs := c.st, slices.Clone(c.subs)
	c.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
	return st
}

// Load reads the profiles and the active profile's sign-in (no network).
// It keeps the active profile when it still exists.
func (c *Controller) Load(ctx context.Context) {
	names, def, err := c.Backend.Profiles()
	c.update(func(s *State) {
		s.Profiles = names
		if !contains(names, s.Profile) {
			s.Profile = def
		}
		if s.Profile == "" && len(names) > 0 {
			s.Profile = names[0]
		}
		s.Issuer, s.WarnBefore = "", 0
		if s.Profile != "" {
			info := c.Backend.Info(s.Profile)
			s.Issuer, s.WarnBefore = info.Issuer, info.WarnBefore
		}
		if s.Phase == PhaseFirstRun && len(names) > 0 {
			s.Phase = PhaseSignedOut // Reload below says whether signed in
		}
	})
	if err != nil {
		c.fail(err)
		return
	}
	c.Reload(ctx)
}

// Reload re-reads the active profile's saved sign-in, for example after
// another process signed in, refreshed or signed out.
func (c *Controller) Reload(ctx context.Context) {
	st := c.State()
	if st.Phase == PhaseWaiting {
		return // the sign-in under way will decide
	}
	if len(st.Profiles) == 0 {
		c.update(func(s *State) { s.Phase, s.SignIn = PhaseFirstRun, nil })
		return
	}
	si, err := c.Backend.Current(ctx, st.Profile)
	c.update(func(s *State) {
		switch {
		case err == nil:
			s.Phase, s.SignIn = PhaseSignedIn, si
		case errors.Is(err, auth.ErrLoginRequired):
			if s.Phase != PhaseError {
				s.Phase = PhaseSignedOut
			}
			s.SignIn = nil
		default:
			s.Phase, s.SignIn, s.Err, s.ErrText = PhaseError, nil, err, plainWords(err)
		}
	})
}

// SignIn starts the browser sign-in of the active profile (asynchronous).
// A second call while one is under way does nothing.
func (c *Controller) SignIn() {
	c.mu.Lock()
	if c.cancel != nil || c.st.Profile == "" {
		c.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	profile := c.st.Profile
	c.mu.Unlock()
	c.update(func(s *State) { s.Phase, s.AuthURL, s.Deadline, s.Note, s.Err = PhaseWaiting, "", time.Time{}, "", nil })
	c.run(func() {
		defer cancel()
		si, err := c.Backend.SignIn(ctx, profile, func(u string, deadline time.Time) {
			c.update(func(s *State) { s.AuthURL, s.Deadline = u, deadline })
		})
		c.mu.Lock()
		c.cancel = nil
		c.mu.Unlock()
		switch {
		case err == nil:
			c.log().Info("signed in", "profile", profile)
			c.update(func(s *State) { s.Phase, s.SignIn, s.AuthURL, s.Note = PhaseSignedIn, si, "", "" })
		case errors.Is(err, context.Canceled) || cancelledAtProvider(err):
			c.log().Info("sign-in cancelled", "profile", profile)
			c.update(func(s *State) { s.Phase, s.AuthURL, s.Note = PhaseSignedOut, "", "Sign-in cancelled." })
		default:
			c.log().Info("sign-in failed", "profile", profile, "err", err)
			c.fail(err)
		}
	})
}

// Cancel stops the sign-in under way.
func (c *Controller) Cancel() {
	c.mu.Lock()
	cancel := c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// SignOut signs the active profile out (asynchronous).
func (c *Controller) SignOut(endBrowser bool) {
	profile := c.startBusy()
	c.run(func() {
		err := c.Backend.SignOut(context.Background(), profile, endBrowser)
		if err != nil {
			c.log().Info("sign-out failed", "profile", profile, "err", err)
			c.fail(err)
			return
		}
		c.log().Info("signed out", "profile", profile)
		c.clearCopied()
		c.update(func(s *State) { s.Phase, s.SignIn, s.Busy, s.Note = PhaseSignedOut, nil, false, "Signed out." })
	})
}

// RefreshNow renews the active profile's tokens now (asynchronous).
func (c *Controller) RefreshNow() {
	profile := c.startBusy()
	c.run(func() {
		err := c.refresh(context.Background(), profile, forceMargin)
		if err != nil && !errors.Is(err, auth.ErrLoginRequired) {
			// The user asked: say it did not work (the background
			// refresher retries on its own and says nothing).
			c.update(func(s *State) {
				if s.Profile == profile {
					s.Note = "Could not renew the token: " + plainWords(err)
				}
			})
		}
	})
}

// forceMargin is a margin longer than any token lives: Refresh renews.
const forceMargin = 100 * 365 * 24 * time.Hour

// refresh renews profile's tokens when less than margin is left and
// records the outcome; it returns the error for the refresher's backoff.
func (c *Controller) refresh(ctx context.Context, profile string, margin time.Duration) error {
	si, err := c.Backend.Refresh(ctx, profile, margin)
	switch {
	case err == nil:
		c.update(func(s *State) {
			if s.Profile == profile {
				s.Phase, s.SignIn, s.Busy = PhaseSignedIn, si, false
			}
		})
	case errors.Is(err, auth.ErrLoginRequired):
		c.log().Info("sign-in required", "profile", profile)
		c.update(func(s *State) {
			if s.Profile == profile {
				s.Phase, s.SignIn, s.Busy, s.Note = PhaseSignedOut, nil, false, "Your sign-in ended; sign in again."
			}
		})
		c.notify("Sign in again", "Your sign-in to "+profile+" has ended. Open ssohelper to sign in again.")
	default:
		c.log().Info("refresh failed", "profile", profile, "err", err)
		c.update(func(s *State) { s.Busy = false })
	}
	return err
}

// CopyToken puts the active profile's token on the clipboard and clears
// it after ClipboardTTL unless something else was copied meanwhile.
func (c *Controller) CopyToken() {
	st := c.State()
	if st.Phase != PhaseSignedIn || c.Clipboard == nil {
		return
	}
	c.run(func() {
		si, err := c.Backend.Refresh(context.Background(), st.Profile, time.Minute)
		if err != nil {
			c.fail(err)
			return
		}
		tok := si.Token()
		c.mu.Lock()
		c.copied = tok
		c.mu.Unlock()
		c.Clipboard.SetContent(tok)
		c.log().Info("token copied to the clipboard", "profile", st.Profile)
		c.update(func(s *State) {
			s.Copied, s.SignIn, s.Note = c.now(), si, "Token copied; it is cleared from the clipboard in 60 s."
		})
	})
}

// Tick moves the clock on: countdowns, and clearing a copied token
// after ClipboardTTL. The UI calls it every second while the window shows,
// every minute while it is hidden.
func (c *Controller) Tick() {
	st := c.State()
	if !st.Copied.IsZero() && c.now().Sub(st.Copied) >= ClipboardTTL {
		c.clearCopied()
		c.update(func(s *State) { s.Copied, s.Note = time.Time{}, "" })
		return
	}
	c.update(func(*State) {})
}

// clearCopied empties the clipboard if it still holds the copied token.
func (c *Controller) clearCopied() {
	c.mu.Lock()
	tok := c.copied
	c.copied = ""
	c.mu.Unlock()
	if tok != "" && c.Clipboard != nil && c.Clipboard.Content() == tok {
		c.Clipboard.SetContent("")
	}
}

// SwitchProfile makes name the active profile.
func (c *Controller) SwitchProfile(ctx context.Context, name string) {
	st := c.State()
	if st.Phase == PhaseWaiting || name == st.Profile || !contains(st.Profiles, name) {
		return
	}
	c.clearCopied()
	info := c.Backend.Info(name)
	c.update(func(s *State) {
		s.Profile, s.Issuer, s.WarnBefore, s.SignIn, s.Phase, s.Note, s.Copied = name, info.Issuer, info.WarnBefore, nil, PhaseSignedOut, "", time.Time{}
	})
	c.Reload(ctx)
}

// HandleMessage acts on a message from another launch or an ssohelper://
// link (see Link): it reports whether to show the window. "login P"
// switches to profile P so the window offers its sign-in; the user still
// clicks. Anything else is refused with an error, for the log.
func (c *Controller) HandleMessage(ctx context.Context, m string) (show bool, err error) {
	l, err := parseMessage(m)
	if err != nil {
		return false, err
	}
	if l.Action == "login" && l.Profile != "" {
		if !contains(c.State().Profiles, l.Profile) {
			return false, fmt.Errorf("a link asked for profile %s, which is not configured", l.Profile)
		}
		c.SwitchProfile(ctx, l.Profile)
	}
	return true, nil
}

// Wait returns when the actions started so far have finished (tests, and
// a clean quit).
func (c *Controller) Wait() { c.actionWG.Wait() }

// Working reports whether an action (sign-in, sign-out, refresh, copy)
// is under way.
func (c *Controller) Working() bool { return c.running.Load() > 0 }

func (c *Controller) run(fn func()) {
	c.actionWG.Add(1)
	c.running.Add(1)
	go func() {
		defer c.actionWG.Done()
		defer c.running.Add(-1)
		fn()
	}()
}

// startBusy marks the state busy and returns the active profile.
func (c *Controller) startBusy() string {
	return c.update(func(s *State) { s.Busy, s.Note = true, "" }).Profile
}

// fail records err in plain words.
func (c *Controller) fail(err error) {
	c.update(func(s *State) {
		s.Phase, s.Err, s.ErrText, s.Busy, s.AuthURL = PhaseError, err, plainWords(err), false, ""
	})
}

func (c *Controller) notify(title, body string) {
	if c.Notify != nil {
		c.Notify(title, body)
	}
}

func (c *Controller) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *Controller) warnBefore() time.Duration {
	if c.WarnBefore > 0 {
		return c.WarnBefore
	}
	return DefaultWarnBefore
}

func (c *Controller) log() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
