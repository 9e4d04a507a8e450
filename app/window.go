package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// WindowSize is the window's size at start.
var WindowSize = fyne.NewSize(420, 560)

// Window is the app's one window. Its widgets are fields so tests can tap
// them (fyne.io/fyne/v2/test). Render applies a View; every button hands
// its action to the Controller, off the UI thread.
type Window struct {
	Win  fyne.Window
	ctrl *Controller

	Heading    *widget.Label
	Text       *widget.Label
	Lines      *fyne.Container
	Spinner    *widget.Activity
	Countdown  *widget.Label
	Hint       *widget.Label
	Warning    *widget.Label
	Details    *widget.Accordion
	detailTxt  *widget.Label
	Profiles   *widget.Select
	profileRow *fyne.Container
	spinnerRow *fyne.Container
	body       *fyne.Container

	SignIn       *widget.Button
	Cancel       *widget.Button
	CopyLink     *widget.Button
	Refresh      *widget.Button
	SignOut      *widget.Button
	EndBrowser   *widget.Check
	CopyDiag     *widget.Button
	Import       *widget.Button
	EnterDetails *widget.Button
	AtLogin      *widget.Check  // start at login; shown once SetAutostart is set
	Plugins      *widget.Button // the paired plugins; shown once OnPlugins is set
	Settings     *widget.Button // the profile's settings and origins; shown once OnSettings is set

	// onAtLogin turns the start at login on or off (set by Run through
	// UseAutostart); nil: the toggle stays hidden.
	onAtLogin func(on bool) error

	// OnImport and OnEnterDetails run the first-run choices (set by Run).
	OnImport, OnEnterDetails func()
	// OnPlugins opens the list of paired plugins (set by Run when a plugin
	// bridge runs).
	OnPlugins func()
	// OnSettings shows the active profile's settings and where each came
	// from (set by Run when Options.Settings is).
	OnSettings func()
	// Diagnostics returns the text "Copy diagnostics" copies; never a token.
	Diagnostics func() string

	rendering bool // Render is setting widgets: ignore their callbacks
}

// NewWindow builds the window of ctrl in a. It shows nothing until Render.
func NewWindow(a fyne.App, ctrl *Controller, icon fyne.Resource) *Window {
	w := &Window{Win: a.NewWindow("ssohelper"), ctrl: ctrl}
	if icon != nil {
		w.Win.SetIcon(icon)
	}
	w.Heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.Heading.SizeName = theme.SizeNameHeadingText
	w.Heading.Wrapping = fyne.TextWrapWord
	w.Text = wrapped()
	w.Lines = container.New(layout.NewFormLayout())
	w.Spinner = widget.NewActivity()
	w.Countdown = widget.NewLabel("")
	w.Hint = wrapped() // normal contrast: it is advice people need to read
	w.Warning = wrapped()
	w.Warning.Importance = widget.WarningImportance
	w.detailTxt = wrapped()
	w.detailTxt.Selectable = true
	w.Details = widget.NewAccordion(widget.NewAccordionItem("Details", w.detailTxt))
	w.Profiles = widget.NewSelect(nil, func(name string) {
		if !w.rendering {
			go ctrl.SwitchProfile(context.Background(), name)
		}
	})
	w.Profiles.PlaceHolder = "Choose a profile"
	w.profileRow = container.NewBorder(nil, nil, widget.NewLabel("Profile"), nil, w.Profiles)

	w.SignIn = widget.NewButtonWithIcon("Sign in", theme.LoginIcon(), ctrl.SignIn)
	w.SignIn.Importance = widget.HighImportance
	w.Cancel = widget.NewButton("Cancel", ctrl.Cancel)
	w.CopyLink = widget.NewButtonWithIcon("Copy link", theme.ContentCopyIcon(), func() {
		if u := ctrl.State().AuthURL; u != "" {
			a.Clipboard().SetContent(u)
		}
	})
	w.Refresh = widget.NewButtonWithIcon("Refresh now", theme.ViewRefreshIcon(), ctrl.RefreshNow)
	w.EndBrowser = widget.NewCheck("Also end the browser session", nil)
	w.SignOut = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), func() { ctrl.SignOut(w.EndBrowser.Checked) })
	w.CopyDiag = widget.NewButtonWithIcon("Copy diagnostics", theme.ContentCopyIcon(), func() {
		if w.Diagnostics != nil {
			a.Clipboard().SetContent(w.Diagnostics())
		}
	})
	w.Import = widget.NewButtonWithIcon("Import a configuration file…", theme.FolderOpenIcon(), func() {
		if w.OnImport != nil {
			w.OnImport()
		}
	})
	w.Import.Importance = widget.HighImportance
	w.EnterDetails = widget.NewButton("Enter the details…", func() {
		if w.OnEnterDetails != nil {
			w.OnEnterDetails()
		}
	})

	w.AtLogin = widget.NewCheck("Start ssohelper at login, in the tray", func(on bool) {
		if w.rendering || w.onAtLogin == nil {
			return
		}
		// A small local write (a file, a registry value): done right here.
		if err := w.onAtLogin(on); err != nil {
			w.rendering = true
			w.AtLogin.SetChecked(!on)
			w.rendering = false
			dialog.ShowError(fmt.Errorf("could not change the start at login: %w", err), w.Win)
		}
	})
	w.AtLogin.Hide()
	w.Plugins = widget.NewButtonWithIcon("Plugins…", theme.ComputerIcon(), func() {
		if w.OnPlugins != nil {
			w.OnPlugins()
		}
	})
	w.Plugins.Hide()
	w.Settings = widget.NewButtonWithIcon("Settings…", theme.SettingsIcon(), func() {
		if w.OnSettings != nil {
			w.OnSettings()
		}
	})
	w.Settings.Hide()

	w.spinnerRow = container.NewHBox(w.Spinner, w.Countdown)
	body := container.NewVBox(
		w.profileRow, w.Heading, w.Text, w.Warning, w.Lines,
		w.spinnerRow,
		w.SignIn, w.Cancel, w.CopyLink,
		w.Refresh, w.EndBrowser, w.SignOut, w.Hint,
		w.Import, w.EnterDetails,
		w.Details, w.CopyDiag, w.Plugins, w.Settings, w.AtLogin,
	)
	w.body = body
	w.Win.SetContent(container.NewPadded(container.NewVScroll(body)))
	w.Win.Resize(WindowSize)
	w.Win.Canvas().SetOnTypedKey(w.typedKey)
	return w
}

// typedKey: Enter signs in, Esc cancels a sign-in under way.
func (w *Window) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if w.SignIn.Visible() && !w.SignIn.Disabled() {
			w.ctrl.SignIn()
		}
	case fyne.KeyEscape:
		w.ctrl.Cancel()
	}
}

// UseAutostart shows the "Start at login" toggle, checked when on, and
// calls set when the user changes it. Call it on the UI thread, before
// Render.
func (w *Window) UseAutostart(on bool, set func(on bool) error) {
	w.rendering = true
	w.AtLogin.SetChecked(on)
	w.rendering = false
	w.onAtLogin = set
}

// Render shows v. Call it on the UI thread (fyne.Do).
func (w *Window) Render(v View, profiles []string, active string) {
	w.rendering = true
	defer func() { w.rendering = false }()
	w.Win.SetTitle(v.Title)
	w.Heading.SetText(v.Heading)
	setText(w.Text, v.Text)
	setText(w.Warning, v.Warning)
	setText(w.Countdown, v.Countdown)
	setText(w.Hint, v.Hint)

	w.Lines.RemoveAll()
	for _, l := range v.Lines {
		w.Lines.Add(widget.NewLabelWithStyle(l.Label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		w.Lines.Add(wrappedText(l.Value))
	}
	showIf(w.Lines, len(v.Lines) > 0)
	w.Lines.Refresh()
	showIf(w.spinnerRow, v.Spinner || v.Countdown != "")

	if v.Spinner {
		w.Spinner.Show()
		w.Spinner.Start()
	} else {
		w.Spinner.Stop()
		w.Spinner.Hide()
	}
	if v.ShowProfiles {
		w.Profiles.Options = profiles
		w.Profiles.SetSelected(active)
		w.profileRow.Show()
	} else {
		w.profileRow.Hide()
	}
	button(w.SignIn, v.SignIn)
	button(w.Cancel, v.Cancel)
	button(w.CopyLink, v.CopyLink)
	button(w.Refresh, v.Refresh)
	button(w.SignOut, v.SignOut)
	button(w.CopyDiag, v.CopyDiag)
	button(w.Import, v.Import)
	button(w.EnterDetails, v.EnterDetails)
	showIf(w.AtLogin, v.AtLogin && w.onAtLogin != nil)
	showIf(w.Plugins, v.Plugins && w.OnPlugins != nil)
	showIf(w.Settings, v.Settings && w.OnSettings != nil)
	if v.EndBrowser {
		w.EndBrowser.Show()
	} else {
		w.EndBrowser.Hide()
	}
	if v.Details != "" {
		w.detailTxt.SetText(v.Details)
		w.Details.Show()
	} else {
		w.Details.CloseAll()
		w.Details.Hide()
	}
	w.body.Refresh() // lay out again: what shows changed
}

func showIf(o fyne.CanvasObject, show bool) {
	if show {
		o.Show()
	} else {
		o.Hide()
	}
}

// button shows b with spec's label, or hides it when the label is empty.
func button(b *widget.Button, spec Button) {
	if spec.Label == "" {
		b.Hide()
		return
	}
	b.SetText(spec.Label)
	if spec.Enabled {
		b.Enable()
	} else {
		b.Disable()
	}
	b.Show()
}

// setText shows l with s, or hides it when s is empty.
func setText(l *widget.Label, s string) {
	l.SetText(s)
	if s == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

func wrapped() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

func wrappedText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}
