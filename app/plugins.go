package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// PluginBridge is what the window needs of the plugin bridge; cmd wires
// it to the bridge's admin API.
type PluginBridge interface {
	Pending(ctx context.Context) ([]PairRequest, error)
	Decide(ctx context.Context, code string, allow bool) error
	Plugins(ctx context.Context) ([]PluginInfo, error)
	Revoke(ctx context.Context, id string) error
}

// PairRequest is a plugin's request to pair, waiting for the user.
type PairRequest struct{ Code, ID, Name, Profile string }

// PluginInfo is a paired plugin as the window lists it.
type PluginInfo struct {
	ID, Name, Profile, Origin string
	LastToken                 time.Time
	Tokens                    int
}

// bridgeTimeout bounds each call to the bridge.
const bridgeTimeout = 5 * time.Second

// Consent asks the user about plugins' pairing requests, one dialog each.
type Consent struct {
	Bridge PluginBridge
	Parent fyne.Window
	Logger *slog.Logger

	mu    sync.Mutex
	shown map[string]*ConsentDialog // by code
}

// ConsentDialog is one request's dialog; its buttons are fields so tests
// can tap them.
type ConsentDialog struct {
	Text        *widget.Label
	Allow, Deny *widget.Button
	d           dialog.Dialog
}

// Check fetches the waiting requests and shows a dialog for each new one.
// Call it off the UI thread.
func (c *Consent) Check() {
	ctx, cancel := context.WithTimeout(context.Background(), bridgeTimeout)
	defer cancel()
	reqs, err := c.Bridge.Pending(ctx)
	if err != nil {
		c.Logger.Info("plugin bridge: no pairing requests", "err", err)
		return
	}
	fyne.Do(func() {
		for _, r := range reqs {
			c.show(r)
		}
	})
}

// show opens r's dialog unless it is open. Call on the UI thread.
func (c *Consent) show(r PairRequest) *ConsentDialog {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shown == nil {
		c.shown = map[string]*ConsentDialog{}
	}
	if d := c.shown[r.Code]; d != nil {
		return d
	}
	cd := &ConsentDialog{Text: widget.NewLabel(fmt.Sprintf(
		"Plugin %q wants to use your sign-in for profile %s.\n\nCode %s: allow it only if the plugin shows the same code.\n\nPlugin id: %s",
		sanitize.Text(r.Name), r.Profile, r.Code, sanitize.Text(r.ID)))}
	cd.Text.Wrapping = fyne.TextWrapWord
	answer := func(allow bool) {
		cd.d.Hide()
		c.mu.Lock()
		delete(c.shown, r.Code)
		c.mu.Unlock()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), bridgeTimeout)
			defer cancel()
			if err := c.Bridge.Decide(ctx, r.Code, allow); err != nil {
				c.Logger.Info("plugin bridge: answering a pairing request", "plugin", r.ID, "err", err)
				fyne.Do(func() { dialog.ShowError(fmt.Errorf("the answer did not reach the plugin bridge: %w", err), c.Parent) })
				return
			}
			c.Logger.Info("plugin pairing answered", "plugin", r.ID, "allowed", allow)
		}()
	}
	cd.Allow = widget.NewButtonWithIcon("Allow", theme.ConfirmIcon(), func() { answer(true) })
	cd.Allow.Importance = widget.HighImportance
	cd.Deny = widget.NewButtonWithIcon("Deny", theme.CancelIcon(), func() { answer(false) })
	content := container.NewVBox(cd.Text, container.NewGridWithColumns(2, cd.Deny, cd.Allow))
	cd.d = dialog.NewCustomWithoutButtons("Allow this plugin?", content, c.Parent)
	cd.d.Resize(fyne.NewSize(380, 260))
	cd.d.Show()
	c.shown[r.Code] = cd
	return cd
}

// PluginsView is the list of paired plugins with a Revoke button each.
type PluginsView struct {
	Bridge  PluginBridge
	List    *fyne.Container
	Revokes map[string]*widget.Button // by plugin id, for tests
	Now     func() time.Time
	Logger  *slog.Logger

	reloaded chan struct{} // tests: told after each render
}

// NewPluginsView builds an empty list; Reload fills it.
func NewPluginsView(b PluginBridge, log *slog.Logger) *PluginsView {
	return &PluginsView{Bridge: b, List: container.NewVBox(), Revokes: map[string]*widget.Button{}, Now: time.Now, Logger: log}
}

// Reload fetches the plugins and renders them. Call off the UI thread.
func (v *PluginsView) Reload() {
	ctx, cancel := context.WithTimeout(context.Background(), bridgeTimeout)
	defer cancel()
	list, err := v.Bridge.Plugins(ctx)
	fyne.Do(func() { v.render(list, err) })
}

func (v *PluginsView) render(list []PluginInfo, err error) {
	v.List.RemoveAll()
	v.Revokes = map[string]*widget.Button{}
	switch {
	case err != nil:
		v.List.Add(wrappedText("The plugin bridge does not answer: " + sanitize.Text(err.Error())))
	case len(list) == 0:
		v.List.Add(wrappedText("No plugin is paired. A plugin asks to pair from its own panel; you then allow it here."))
	}
	for _, p := range list {
		last := "never"
		if !p.LastToken.IsZero() {
			last = duration(v.Now().Sub(p.LastToken)) + " ago"
		}
		origin := p.Origin
		if origin == "" {
			origin = "none"
		}
		title := widget.NewLabelWithStyle(sanitize.Text(p.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		info := wrappedText(fmt.Sprintf("%s · profile %s\nlast token %s · %d tokens · origin %s", sanitize.Text(p.ID), p.Profile, last, p.Tokens, sanitize.Text(origin)))
		id := p.ID
		revoke := widget.NewButton("Revoke", nil)
		revoke.OnTapped = func() {
			revoke.Disable()
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), bridgeTimeout)
				defer cancel()
				if err := v.Bridge.Revoke(ctx, id); err != nil {
					v.Logger.Info("plugin bridge: revoking", "plugin", id, "err", err)
				} else {
					v.Logger.Info("plugin revoked", "plugin", id)
				}
				v.Reload()
			}()
		}
		v.Revokes[id] = revoke
		v.List.Add(container.NewBorder(nil, nil, nil, revoke, container.NewVBox(title, info)))
		v.List.Add(widget.NewSeparator())
	}
	v.List.Refresh()
	select {
	case v.reloaded <- struct{}{}:
	default:
	}
}

// showPluginsWindow opens the list of paired plugins.
func showPluginsWindow(a fyne.App, b PluginBridge, log *slog.Logger) {
	w := a.NewWindow("Plugins — ssohelper")
	v := NewPluginsView(b, log)
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), func() { go v.Reload() })
	w.SetContent(container.NewBorder(
		wrappedText("Plugins you allowed to use your sign-in. Revoke ends a plugin's access at once; it must ask again."),
		container.NewHBox(refresh), nil, nil, container.NewVScroll(v.List)))
	w.Resize(fyne.NewSize(440, 420))
	w.Show()
	go v.Reload()
}
