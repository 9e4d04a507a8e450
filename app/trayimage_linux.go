package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"

	"github.com/ssohelper/ssohelper/assets"
)

// LightTraySupported says whether RunTray works here (see doc.go).
const LightTraySupported = true

// TrayOptions are what RunTray needs; cmd wires them.
type TrayOptions struct {
	Backend  Backend
	Logger   *slog.Logger
	DataDir  string        // the saved sign-ins, watched for other processes' changes
	Messages <-chan string // from later launches and links (see Options.Messages)
}

// trayImageIcons are the tray icons as the tray host gets them.
var trayImageIcons = map[Icon][]byte{
	IconSignedIn: assets.TraySignedIn, IconExpiring: assets.TrayExpiring, IconSignedOut: assets.TraySignedOut,
	IconError: assets.TrayError, IconBusy: assets.TrayBusy,
}

// RunTray is the tray image of the desktop app: the tray icon and menu,
// the refresher and the watcher, without Fyne. What needs a window (Open
// window, Sign in, Copy token: the clipboard belongs to a window), a later
// launch and a link end it with a handover to the window image; Quit ends
// it for good.
func RunTray(ctx context.Context, o TrayOptions) (Handover, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan Handover, 1)
	leave := func(h Handover) {
		select {
		case next <- h:
		default:
		}
	}
	ctrl := &Controller{Backend: o.Backend, Logger: o.Logger, Notify: func(title, body string) {
		if err := notify(ctx, title, body); err != nil {
			o.Logger.Info("no desktop notification", "title", title, "err", err)
		}
	}}
	tray := &lightTray{ctrl: ctrl, leave: leave}
	start, end := systray.RunWithExternalLoop(nil, nil)
	start()
	defer end()
	ctrl.Subscribe(func(s State) {
		tray.Render(s)
		logPhase(o.Logger, s)
	})
	ctrl.Load(ctx)
	keepFresh(ctx, ctrl, o.DataDir, o.Logger)
	go tick(ctx, ctrl, new(atomic.Bool)) // never visible: once a minute
	go func() {                          // the tray host may miss the first title and icon
		for _, d := range []time.Duration{time.Second, 2 * time.Second, 7 * time.Second} {
			select {
			case <-ctx.Done():
				return
			case <-time.After(d):
				tray.Reassert()
			}
		}
	}()
	o.Logger.Info("running in the tray (no window)")

	var h Handover
wait:
	for {
		select {
		case <-ctx.Done():
			break wait // quit
		case h = <-next:
			break wait
		case m := <-o.Messages:
			if _, err := parseMessage(m); err != nil {
				o.Logger.Info("refused a message from another launch", "message", sanitizeShort(m), "err", err)
				continue
			}
			o.Logger.Info("opening the window at the request of another launch", "message", sanitizeShort(m))
			h = Handover{To: ImageWindow, Start: m}
			break wait
		}
	}
	cancel()
	ctrl.Cancel()
	ctrl.Wait()
	return h, nil
}

// lightTray is the tray image's tray item: the menu TrayMenu builds, plus
// Quit, on fyne.io/systray directly.
type lightTray struct {
	ctrl  *Controller
	leave func(Handover)

	mu       sync.Mutex
	last     string // signature of the menu shown
	lastIcon Icon
	applied  bool
	stop     context.CancelFunc // ends the click listeners of the menu shown
	gen      *sync.WaitGroup    // the click listeners of the menu shown
}

// Render applies s: the menu when a label changed (each change rebuilds
// the whole D-Bus menu), the icon when the state's icon changed.
func (t *lightTray) Render(s State) {
	t.mu.Lock()
	defer t.mu.Unlock()
	items := append(TrayMenu(s), TrayItem{Separator: true}, TrayItem{Label: "Quit", Action: actionQuit})
	if sig := signature(items); sig != t.last || !t.applied {
		if t.stop != nil {
			t.stop()
		}
		ctx, stop := context.WithCancel(context.Background())
		t.stop, t.gen = stop, &sync.WaitGroup{}
		systray.ResetMenu()
		t.add(ctx, t.gen, items, nil)
		t.last = sig
	}
	if icon := IconOf(s); icon != t.lastIcon || !t.applied {
		systray.SetIcon(trayImageIcons[icon])
		t.lastIcon = icon
	}
	if !t.applied {
		systray.SetTitle("ssohelper")
	}
	systray.SetTooltip("ssohelper: " + items[0].Label)
	t.applied = true
}

// Reassert sets the title and icon again (see Tray.Reassert).
func (t *lightTray) Reassert() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.applied {
		systray.SetTitle("ssohelper")
		systray.SetIcon(trayImageIcons[t.lastIcon])
	}
}

// add puts items under parent (nil: the top level), each listening for
// clicks until ctx ends.
func (t *lightTray) add(ctx context.Context, gen *sync.WaitGroup, items []TrayItem, parent *systray.MenuItem) {
	for _, it := range items {
		if it.Separator {
			if parent != nil {
				parent.AddSeparator()
			} else {
				systray.AddSeparator()
			}
			continue
		}
		var mi *systray.MenuItem
		switch {
		case parent != nil && it.Checked:
			mi = parent.AddSubMenuItemCheckbox(it.Label, "", true)
		case parent != nil:
			mi = parent.AddSubMenuItem(it.Label, "")
		case it.Checked:
			mi = systray.AddMenuItemCheckbox(it.Label, "", true)
		default:
			mi = systray.AddMenuItem(it.Label, "")
		}
		if len(it.Children) > 0 {
			t.add(ctx, gen, it.Children, mi)
			continue
		}
		act := t.action(it)
		if act == nil {
			mi.Disable()
			continue
		}
		gen.Add(1)
		go func() {
			defer gen.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case _, ok := <-mi.ClickedCh:
					if !ok { // systray closes it when the menu is rebuilt
						return
					}
					act()
				}
			}
		}()
	}
}

// actionQuit is the tray image's own Quit entry (Fyne adds one in the
// window image).
const actionQuit Action = -1

// action is what clicking it does: what needs a window hands over to the
// window image; the rest runs here, off the D-Bus goroutine.
func (t *lightTray) action(it TrayItem) func() {
	switch it.Action {
	case ActionSignIn:
		return func() { t.leave(Handover{To: ImageWindow, Start: StartSignIn}) }
	case ActionOpenWindow:
		return func() { t.leave(Handover{To: ImageWindow, Start: StartOpen}) }
	case ActionCopyToken:
		return func() { t.leave(Handover{To: ImageWindow, Start: StartCopy}) }
	case ActionSignOut:
		return func() { t.ctrl.SignOut(false) }
	case ActionRefresh:
		return t.ctrl.RefreshNow
	case ActionSwitchProfile:
		name := it.Label
		return func() { go t.ctrl.SwitchProfile(context.Background(), name) }
	case actionQuit:
		return func() { t.leave(Handover{To: ImageQuit}) }
	}
	return nil
}

// notify shows a desktop notification (org.freedesktop.Notifications).
func notify(ctx context.Context, title, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := dbus.SessionBus()
	if err != nil {
		return fmt.Errorf("no session bus: %w", err)
	}
	return conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").CallWithContext(ctx,
		"org.freedesktop.Notifications.Notify", 0, "ssohelper", uint32(0), "", title, strings.TrimSpace(body),
		[]string{}, map[string]dbus.Variant{}, int32(-1)).Err
}
