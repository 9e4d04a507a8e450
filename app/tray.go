package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"github.com/ssohelper/ssohelper/assets"
)

// trayIcons are the embedded tray icons per state.
var trayIcons = map[Icon]fyne.Resource{
	IconSignedIn:  fyne.NewStaticResource("tray-signedin.png", assets.TraySignedIn),
	IconExpiring:  fyne.NewStaticResource("tray-expiring.png", assets.TrayExpiring),
	IconSignedOut: fyne.NewStaticResource("tray-signedout.png", assets.TraySignedOut),
	IconError:     fyne.NewStaticResource("tray-error.png", assets.TrayError),
	IconBusy:      fyne.NewStaticResource("tray-busy.png", assets.TrayBusy),
}

// Tray is the tray icon and its menu, rebuilt from the state by TrayMenu.
// It keeps one fyne.Menu and refreshes it only when a label changed: each
// refresh rebuilds the whole D-Bus menu.
type Tray struct {
	desk  desktop.App
	menu  *fyne.Menu
	ctrl  *Controller
	open  func() // shows the window
	title string

	last     string // signature of the menu last applied
	lastIcon Icon
	applied  bool
}

// NewTray puts ssohelper in the system tray of desk.
func NewTray(desk desktop.App, ctrl *Controller, title string, open func()) *Tray {
	t := &Tray{desk: desk, ctrl: ctrl, open: open, title: title, menu: fyne.NewMenu(title)}
	return t
}

// Render applies s to the tray. Call it on the UI thread (fyne.Do).
func (t *Tray) Render(s State) {
	items := TrayMenu(s)
	if sig := signature(items); sig != t.last || !t.applied {
		t.menu.Items = t.menuItems(items)
		if t.applied {
			t.menu.Refresh()
		} else {
			t.desk.SetSystemTrayMenu(t.menu)
		}
		t.last = sig
	}
	if icon := IconOf(s); icon != t.lastIcon || !t.applied {
		t.desk.SetSystemTrayIcon(trayIcons[icon])
		t.lastIcon = icon
	}
	t.applied = true
}

// Reassert sets the title and icon again. The tray host may miss the
// first ones (Fyne registers the item before it sets them, and in about 1
// launch in 15–20 they never arrive), so Run calls this a few times after
// start.
func (t *Tray) Reassert() {
	if !t.applied {
		return
	}
	systray.SetTitle(t.title)
	t.desk.SetSystemTrayIcon(trayIcons[t.lastIcon])
}

func (t *Tray) menuItems(items []TrayItem) []*fyne.MenuItem {
	out := make([]*fyne.MenuItem, 0, len(items))
	for _, it := range items {
		if it.Separator {
			out = append(out, fyne.NewMenuItemSeparator())
			continue
		}
		mi := fyne.NewMenuItem(it.Label, t.action(it))
		mi.Disabled = it.Action == ActionNone && len(it.Children) == 0
		mi.Checked = it.Checked
		if len(it.Children) > 0 {
			mi.ChildMenu = fyne.NewMenu(it.Label, t.menuItems(it.Children)...)
		}
		out = append(out, mi)
	}
	return out
}

// action is what clicking it does. Clicks never block the UI thread: the
// controller runs its actions on their own goroutines.
func (t *Tray) action(it TrayItem) func() {
	switch it.Action {
	case ActionSignIn:
		return func() { t.open(); t.ctrl.SignIn() }
	case ActionSignOut:
		return func() { t.ctrl.SignOut(false) }
	case ActionRefresh:
		return t.ctrl.RefreshNow
	case ActionCopyToken:
		return t.ctrl.CopyToken
	case ActionOpenWindow:
		return t.open
	case ActionSwitchProfile:
		name := it.Label
		return func() { go t.ctrl.SwitchProfile(context.Background(), name) }
	}
	return nil
}

// signature identifies a menu by its labels, marks and structure.
func signature(items []TrayItem) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Label)
		if it.Checked {
			b.WriteString("*")
		}
		if it.Separator {
			b.WriteString("---")
		}
		if len(it.Children) > 0 {
			b.WriteString("[" + signature(it.Children) + "]")
		}
		b.WriteString("\n")
	}
	return b.String()
}
