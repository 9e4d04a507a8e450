package app

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Phase is where the app stands with the active profile.
type Phase int

// The phases, in the order a first sign-in goes through them.
const (
	PhaseFirstRun  Phase = iota // no configuration yet
	PhaseSignedOut              // configured, no usable sign-in
	PhaseWaiting                // a browser sign-in is under way
	PhaseSignedIn               // a usable sign-in is saved
	PhaseError                  // the last action failed; see State.Err
)

// State is everything the window and the tray show. The controller owns
// it; View and TrayMenu turn it into what people see, as pure functions.
type State struct {
	Profiles []string // the configured profiles, sorted
	Profile  string   // the active one
	Issuer   string   // of the active profile
	Phase    Phase
	SignIn   *auth.SignIn // when signed in; never shown whole
	Now      time.Time
	// Waiting: the sign-in address (for "Copy link") and when the attempt
	// times out.
	AuthURL  string
	Deadline time.Time
	// Err is the last failure (PhaseError), said in plain words by ErrText.
	Err     error
	ErrText string
	// Busy: a refresh or sign-out is running.
	Busy bool
	// Copied is when the token was put on the clipboard (zero: not now).
	Copied time.Time
	// WarnBefore is how long before the sign-in's hard end to warn.
	WarnBefore time.Duration
	// Note is a short message for the user (e.g. "Token copied").
	Note string
}

// ClipboardTTL is how long a copied token stays on the clipboard.
const ClipboardTTL = 60 * time.Second

// expiringSoon is how little platform-token time left counts as
// "expiring soon" for the tray icon, when the refresher could not renew.
const expiringSoon = 10 * time.Minute

// Button is a button the view shows.
type Button struct {
	Label   string
	Enabled bool
}

// Line is one labelled fact of the signed-in view.
type Line struct{ Label, Value string }

// View is what the window shows for a State.
type View struct {
	Title     string
	Heading   string
	Text      string // a sentence under the heading
	Lines     []Line
	Spinner   bool
	Countdown string // "Time left: 4:32"
	Hint      string
	Details   string // technical details behind an expander
	Warning   string // e.g. the sign-in's hard end is near

	ShowProfiles bool // the profile picker
	SignIn       Button
	Cancel       Button
	CopyLink     Button
	Refresh      Button
	SignOut      Button
	EndBrowser   bool // show "also end the browser session"
	CopyDiag     Button
	Import       Button // first run
	EnterDetails Button // first run
	// AtLogin shows the "Start at login" toggle: everywhere but while
	// waiting for the browser, and on the first-run screen, because the
	// app keeps the sign-in fresh only while it runs.
	AtLogin bool
	// Plugins shows the "Plugins…" button (when a plugin bridge runs):
	// not at first run, not while waiting for the browser.
	Plugins bool
	// Settings shows the "Settings…" button: whenever a profile is chosen
	// and no sign-in is waiting.
	Settings bool
}

// Icon is the tray icon for a state.
type Icon int

// The tray icons.
const (
	IconSignedOut Icon = iota
	IconSignedIn
	IconExpiring
	IconError
	IconBusy
)

// ViewOf is the window for s. It is a pure function of s.
func ViewOf(s State) View {
	v := View{Title: "ssohelper", ShowProfiles: len(s.Profiles) > 1 && s.Phase != PhaseWaiting, AtLogin: s.Phase != PhaseWaiting,
		Plugins: s.Phase != PhaseWaiting && s.Phase != PhaseFirstRun, Settings: s.Phase != PhaseWaiting && s.Profile != ""}
	if s.Profile != "" {
		v.Title = "ssohelper — " + s.Profile
	}
	switch s.Phase {
	case PhaseFirstRun:
		v.Heading = "Welcome to ssohelper"
		v.Text = "ssohelper signs you in to your creative tools. It needs the sign-in settings from your IT team."
		v.Import = Button{"Import a configuration file from your IT team…", true}
		v.EnterDetails = Button{"Enter the details…", true}
	case PhaseSignedOut:
		v.Heading = "Not signed in"
		v.Text = fmt.Sprintf("Profile %s · %s", s.Profile, host(s.Issuer))
		v.SignIn = Button{"Sign in", !s.Busy}
	case PhaseWaiting:
		v.Heading = "Waiting for you in the browser…"
		v.Text = "Sign in on the page that opened in your browser, then come back here."
		v.Spinner = true
		v.Countdown = "Time left: " + clock(s.Deadline.Sub(s.Now))
		v.Cancel = Button{"Cancel", true}
		v.CopyLink = Button{"Copy link", s.AuthURL != ""}
		v.Hint = "No browser window? Use Copy link and paste it into your browser. " +
			"An error page from the sign-in provider means a configuration problem (callback URL or scopes): tell your IT team."
	case PhaseSignedIn:
		signedInView(&v, s)
	case PhaseError:
		v.Heading = "Something went wrong"
		v.Text = s.ErrText
		if s.Err != nil {
			v.Details = sanitize.Text(s.Err.Error())
		}
		v.CopyDiag = Button{"Copy diagnostics", true}
		v.SignIn = Button{"Sign in", !s.Busy}
	}
	return v
}

func signedInView(v *View, s State) {
	si := s.SignIn
	c := si.Claims
	v.Heading = "Signed in as " + sanitize.Text(c.DisplayName())
	if c.Email != "" && c.Email != c.DisplayName() {
		v.Lines = append(v.Lines, Line{"Email", sanitize.Text(c.Email)})
	}
	if len(c.Groups) > 0 {
		gs := make([]string, len(c.Groups))
		for i, g := range c.Groups {
			gs[i] = sanitize.Text(g)
		}
		v.Lines = append(v.Lines, Line{"Groups", strings.Join(gs, ", ")})
	}
	if right := c.Custom["access_right"]; right != "" {
		// The platform's provisioning answer does not say which access
		// right it mapped this to; the sign-in's attribute is what it maps.
		v.Lines = append(v.Lines, Line{"Access right", sanitize.Text(right)})
	}
	if si.Platform != nil {
		v.Lines = append(v.Lines,
			Line{"Platform access", sanitize.Text(si.Platform.Scope)},
			Line{"Platform token", left(si.Platform.Expiry, s.Now)})
	} else {
		v.Lines = append(v.Lines, Line{"Access token", left(si.Expiry, s.Now)})
	}
	if !si.SessionEnd.IsZero() {
		v.Lines = append(v.Lines, Line{"Sign in again on", si.SessionEnd.Local().Format("Mon 2 Jan 2006, 15:04")})
		if d := si.SessionEnd.Sub(s.Now); s.WarnBefore > 0 && d < s.WarnBefore {
			v.Warning = fmt.Sprintf("Your sign-in ends in %s; sign in again now to avoid an interruption.", duration(d))
			v.SignIn = Button{"Sign in again", !s.Busy}
		}
	}
	v.Lines = append(v.Lines, Line{"Profile", s.Profile})
	v.Text = s.Note
	v.Refresh = Button{"Refresh now", !s.Busy}
	v.SignOut = Button{"Sign out", !s.Busy}
	v.EndBrowser = true
	v.Spinner = s.Busy
}

// TrayItem is one entry of the tray menu.
type TrayItem struct {
	Label     string
	Action    Action // ActionNone: a disabled, informative line
	Checked   bool
	Separator bool
	Children  []TrayItem
}

// Action is what a tray entry or a button does.
type Action int

// The actions. Profile switches carry the profile in TrayItem.Label.
const (
	ActionNone Action = iota
	ActionSignIn
	ActionSignOut
	ActionRefresh
	ActionCopyToken
	ActionOpenWindow
	ActionSwitchProfile
)

// TrayMenu is the tray menu for s, without the Quit entry Fyne adds. It is
// a pure function of s.
func TrayMenu(s State) []TrayItem {
	var items []TrayItem
	switch s.Phase {
	case PhaseSignedIn:
		items = append(items, TrayItem{Label: fmt.Sprintf("Signed in as %s (%s)", sanitize.Text(s.SignIn.Claims.DisplayName()), s.Profile)})
		what, until := "Platform token", s.SignIn.TokenExpiry()
		if s.SignIn.Platform == nil {
			what = "Access token"
		}
		items = append(items, TrayItem{Label: fmt.Sprintf("%s: %s", what, left(until, s.Now))})
		copyLabel := "Copy token"
		if !s.Copied.IsZero() && s.Now.Sub(s.Copied) < ClipboardTTL {
			// A fixed label: the menu is rebuilt only when a label changes.
			copyLabel = "Copy token (copied; cleared from the clipboard after 60 s)"
		}
		items = append(items, TrayItem{Separator: true},
			TrayItem{Label: "Refresh now", Action: ActionRefresh},
			TrayItem{Label: copyLabel, Action: ActionCopyToken},
			TrayItem{Label: "Open window", Action: ActionOpenWindow},
			TrayItem{Label: "Sign out", Action: ActionSignOut})
	case PhaseWaiting:
		items = append(items, TrayItem{Label: fmt.Sprintf("Signing in (%s)…", s.Profile)},
			TrayItem{Separator: true}, TrayItem{Label: "Open window", Action: ActionOpenWindow})
	case PhaseFirstRun:
		items = append(items, TrayItem{Label: "Not set up yet"},
			TrayItem{Separator: true}, TrayItem{Label: "Open window", Action: ActionOpenWindow})
	default:
		label := fmt.Sprintf("Not signed in (%s)", s.Profile)
		if s.Phase == PhaseError {
			label = "Sign-in problem: " + s.ErrText
		}
		items = append(items, TrayItem{Label: label},
			TrayItem{Separator: true},
			TrayItem{Label: "Sign in…", Action: ActionSignIn},
			TrayItem{Label: "Open window", Action: ActionOpenWindow})
	}
	if len(s.Profiles) > 1 && s.Phase != PhaseWaiting {
		p := TrayItem{Label: "Profiles"}
		for _, name := range s.Profiles {
			p.Children = append(p.Children, TrayItem{Label: name, Action: ActionSwitchProfile, Checked: name == s.Profile})
		}
		items = append(items, p)
	}
	return items
}

// IconOf is the tray icon for s.
func IconOf(s State) Icon {
	switch {
	case s.Busy || s.Phase == PhaseWaiting:
		return IconBusy
	case s.Phase == PhaseError:
		return IconError
	case s.Phase == PhaseSignedIn && s.SignIn.TokenExpiry().Sub(s.Now) < expiringSoon:
		return IconExpiring
	case s.Phase == PhaseSignedIn:
		return IconSignedIn
	}
	return IconSignedOut
}

// left says how long until t: "3 h 12 min left", or "expired".
func left(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "expired"
	}
	return duration(d) + " left"
}

// duration renders d for people: "2 days 3 h", "3 h 12 min", "45 min",
// "less than a minute".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h := int(d / time.Hour)
		if m := int(d%time.Hour) / int(time.Minute); m > 0 {
			return fmt.Sprintf("%d h %d min", h, m)
		}
		return fmt.Sprintf("%d h", h)
	default:
		days := int(d / (24 * time.Hour))
		if h := int(d%(24*time.Hour)) / int(time.Hour); h > 0 {
			return fmt.Sprintf("%d days %d h", days, h)
		}
		return fmt.Sprintf("%d days", days)
	}
}

// clock renders a countdown as m:ss.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// host is the host name of an issuer URL, for a short subtitle.
func host(issuer string) string {
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return issuer
}
