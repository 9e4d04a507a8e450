package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Options are what Run needs; cmd wires them.
type Options struct {
	App     fyne.App // fyne's app (cmd creates it: only cmd links the driver)
	Backend Backend
	Logger  *slog.Logger
	Log     *LogFile // for "Copy diagnostics"; may be nil
	Version string
	// DataDir holds the saved sign-ins; it is watched for changes made by
	// other processes.
	DataDir string
	// Describe returns the active profile's settings for diagnostics,
	// without secrets.
	Describe func(profile string) string
	// Import copies a configuration file chosen by the user into place
	// (the same function as `config import`).
	Import func(data []byte) error
	// SaveProfile stores a profile entered in the first-run form.
	SaveProfile SaveProfile
	// Tray is false when no tray host is there: closing the window quits.
	Tray bool
	// Hidden starts the app in the tray without showing the window (at
	// login); ignored without a tray.
	Hidden bool
	// Messages are what later launches and ssohelper:// links ask for (see
	// Claim and Link): the window shows; anything else is refused and
	// logged.
	Messages <-chan string
	// LightTray: once the window is closed to the tray and nothing needs
	// Fyne, Run ends with a handover to the tray image (RunTray), which
	// idles without Fyne's 60 Hz loop. Linux only (see doc.go).
	LightTray bool
	// Start is what to do first when the tray image handed over (see
	// Handover); empty: show the window (unless Hidden).
	Start string
	// Autostart reports and SetAutostart changes whether the app starts
	// at login (the window's toggle); nil: no toggle.
	Autostart    func() (bool, error)
	SetAutostart func(on bool) error
	// Bridge is the plugin bridge the app started: pairing requests get a
	// consent dialog, and "Plugins…" lists the paired plugins; nil: none.
	Bridge PluginBridge
	// Settings lists a profile's settings and where each came from, for
	// the "Settings…" dialog; nil: no button.
	Settings ProfileSettings
}

// Run shows the window (and the tray icon), keeps the tokens fresh, and
// returns when the user quits, or with a handover to the tray image when
// the window is closed (Options.LightTray).
func Run(ctx context.Context, o Options) (Handover, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := o.App
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	a.SetIcon(icon)
	ctrl := &Controller{
		Backend: o.Backend, Clipboard: a.Clipboard(), Logger: o.Logger,
		Notify: func(title, body string) { a.SendNotification(fyne.NewNotification(title, body)) },
	}
	win := NewWindow(a, ctrl, icon)
	win.Diagnostics = func() string { return diagnostics(o, ctrl.State()) }
	win.OnImport = func() { importDialog(win.Win, o, ctrl, ctx) }
	win.OnEnterDetails = func() { setupWindow(a, win.Win, o, ctrl, ctx) }
	var consent *Consent
	if o.Bridge != nil {
		consent = &Consent{Bridge: o.Bridge, Parent: win.Win, Logger: o.Logger}
		win.OnPlugins = func() { showPluginsWindow(a, o.Bridge, o.Logger) }
	}
	if o.Settings != nil {
		win.OnSettings = func() { showSettings(win.Win, o.Settings, ctrl.State().Profile) }
	}
	if o.Autostart != nil && o.SetAutostart != nil {
		on, err := o.Autostart()
		if err != nil {
			o.Logger.Info("cannot tell whether ssohelper starts at login", "err", err)
		} else {
			win.UseAutostart(on, func(on bool) error {
				err := o.SetAutostart(on)
				o.Logger.Info("start at login changed", "on", on, "err", err)
				return err
			})
		}
	}
	hidden := (o.Hidden || o.Start == StartCopy) && o.Tray
	var visible atomic.Bool
	visible.Store(!hidden)
	show := func() { fyne.Do(func() { visible.Store(true); win.Win.Show(); win.Win.RequestFocus() }) }

	// Hand over to the tray image once the window is hidden and nothing
	// needs Fyne: no sign-in waiting, no action under way, no copied token
	// to clear, no first-run setup. Call on the UI thread.
	var next Handover
	leave := func() {
		s := ctrl.State()
		if !o.LightTray || next.To != ImageQuit || visible.Load() || ctrl.Working() ||
			s.Phase == PhaseWaiting || s.Phase == PhaseFirstRun || !s.Copied.IsZero() {
			return
		}
		next = Handover{To: ImageTray}
		o.Logger.Info("window closed: continuing as the tray process")
		a.Quit()
	}

	var tray *Tray
	closeWindow := a.Quit
	if desk, ok := a.(desktop.App); ok && o.Tray {
		tray = NewTray(desk, ctrl, "ssohelper", show)
		closeWindow = func() {
			visible.Store(false)
			win.Win.Hide()
			o.Logger.Debug("window hidden in the tray")
			leave()
		}
	} else {
		o.Logger.Info("no system tray: closing the window quits ssohelper")
	}
	win.Win.SetCloseIntercept(closeWindow)
	// Ctrl+W closes the window, as in other desktop apps. (Window.Close
	// would skip the intercept and destroy it.)
	win.Win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { closeWindow() })
	ctrl.Subscribe(func(s State) {
		v := ViewOf(s)
		if !o.Tray {
			v.Hint = strings.TrimSpace(v.Hint + " There is no system tray here: closing this window quits ssohelper.")
		}
		fyne.Do(func() {
			win.Render(v, s.Profiles, s.Profile)
			if tray != nil {
				tray.Render(s)
			}
			leave()
		})
		logPhase(o.Logger, s)
	})
	ctrl.Load(ctx)
	keepFresh(ctx, ctrl, o.DataDir, o.Logger)
	go tick(ctx, ctrl, &visible)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-o.Messages:
				if _, err := ctrl.HandleMessage(ctx, m); err != nil {
					o.Logger.Info("refused a message from another launch", "message", sanitizeShort(m), "err", err)
					continue
				}
				o.Logger.Info("window shown at the request of another launch", "message", sanitizeShort(m))
				show()
				if m == MessagePairing && consent != nil {
					go consent.Check()
				}
			}
		}
	}()
	if tray != nil {
		go func() { // the tray host may miss the first title and icon
			for _, d := range []time.Duration{time.Second, 2 * time.Second, 7 * time.Second} {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
					fyne.Do(tray.Reassert)
				}
			}
		}()
	}
	a.Lifecycle().SetOnStarted(func() {
		switch o.Start {
		case StartCopy:
			ctrl.CopyToken()
			leave() // nothing copied (signed out): back to the tray
		case StartSignIn:
			ctrl.SignIn()
		}
	})
	if o.Start != "" && o.Start != StartOpen && o.Start != StartSignIn && o.Start != StartCopy {
		if _, err := ctrl.HandleMessage(ctx, o.Start); err != nil {
			o.Logger.Info("refused a message from another launch", "message", sanitizeShort(o.Start), "err", err)
		}
	}
	if consent != nil && !hidden { // requests that came while the app started
		go consent.Check()
	}
	if hidden {
		o.Logger.Info("started in the tray, window hidden")
	} else {
		win.Win.Show()
		o.Logger.Info("window shown")
	}
	a.Run()
	cancel()
	ctrl.Cancel()
	ctrl.Wait()
	return next, nil
}

// keepFresh starts the refresher and the watcher of the saved sign-ins:
// a change by another process reloads the state and wakes the refresher.
func keepFresh(ctx context.Context, ctrl *Controller, dataDir string, log *slog.Logger) {
	wake := make(chan struct{}, 1)
	go (&Refresher{Ctrl: ctrl}).Run(ctx, wake)
	go func() {
		err := WatchDir(ctx, dataDir, log, func() {
			ctrl.Reload(ctx)
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		if err != nil {
			log.Info("not watching for sign-ins by other processes", "err", err)
		}
	}()
}

// tick moves countdowns on: every second while the window shows or a
// copied token waits to be cleared, every minute otherwise.
func tick(ctx context.Context, ctrl *Controller, visible *atomic.Bool) {
	for {
		d := time.Minute
		if visible.Load() || !ctrl.State().Copied.IsZero() {
			d = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
			ctrl.Tick()
		}
	}
}

// logPhase logs each phase change once, for the log file and tests that
// follow the app's progress.
var lastPhase atomic.Int32

func logPhase(log *slog.Logger, s State) {
	if Phase(lastPhase.Swap(int32(s.Phase)+1)-1) == s.Phase {
		return
	}
	names := map[Phase]string{PhaseFirstRun: "first run", PhaseSignedOut: "signed out", PhaseWaiting: "waiting for the browser",
		PhaseSignedIn: "signed in", PhaseError: "error"}
	attrs := []any{"phase", names[s.Phase], "profile", s.Profile}
	if s.Phase == PhaseSignedIn && s.SignIn != nil {
		attrs = append(attrs, "user", s.SignIn.Claims.DisplayName())
	}
	log.Info("state", attrs...)
}

// diagnostics is what "Copy diagnostics" copies: version, OS, the profile's
// settings without secrets, the error and the recent log lines. Never a
// token.
func diagnostics(o Options, s State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ssohelper %s (%s/%s, %s)\n", o.Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "profile: %s\n", s.Profile)
	if o.Describe != nil && s.Profile != "" {
		b.WriteString(o.Describe(s.Profile) + "\n")
	}
	if s.Err != nil {
		fmt.Fprintf(&b, "error: %s\n", ViewOf(s).Details)
	}
	if o.Log != nil {
		fmt.Fprintf(&b, "recent log (%s):\n", o.Log.Path())
		for _, l := range o.Log.Recent() {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// importDialog lets the user pick the configuration file from the IT team.
func importDialog(parent fyne.Window, o Options, ctrl *Controller, ctx context.Context) {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := readAllLimited(r, 1<<20)
		if err == nil {
			err = o.Import(data)
		}
		if err != nil {
			dialog.ShowError(err, parent)
			return
		}
		go ctrl.Load(ctx)
	}, parent)
}

// setupWindow shows the "Enter the details" form; after Save it lists the
// callback URLs to register and loads the new profile.
func setupWindow(a fyne.App, parent fyne.Window, o Options, ctrl *Controller, ctx context.Context) {
	w := a.NewWindow("Set up ssohelper")
	form := NewSetupForm(o.SaveProfile, func(p config.Profile) {
		w.Close()
		var urls []string
		for _, port := range p.RedirectPorts {
			urls = append(urls, p.RedirectURI(port))
		}
		dialog.ShowInformation("Saved",
			"Ask your IT team to allow these callback URLs on the app client "+p.ClientID+":\n\n"+strings.Join(urls, "\n"), parent)
		go ctrl.Load(ctx)
	})
	w.SetContent(form.Content)
	w.Resize(WindowSize)
	w.Show()
}

// sanitizeShort makes a message from another process safe and short for
// the log.
func sanitizeShort(s string) string {
	s = sanitize.Text(s)
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return s
}

// readAllLimited reads r whole, refusing more than max bytes.
func readAllLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("the file is larger than %d KiB; that is not a configuration file", max>>10)
	}
	return data, nil
}
