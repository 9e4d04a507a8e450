package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// ProfileSettings returns a profile's effective settings and where each
// came from, and the IT admin's file when it manages the profile ("" when
// not); cmd wires it to the same loading as the commands.
type ProfileSettings func(profile string) (settings []config.Setting, managedBy string, err error)

// SettingsView shows a profile's settings: each key, its value and where
// it came from (the IT admin's system config, the user's file, a flag or
// variable, a default), and which ones the admin locked.
type SettingsView struct {
	Managed *widget.Label
	Rows    *fyne.Container // key, value, origin: three labels per setting
}

// NewSettingsView builds the view of settings.
func NewSettingsView(settings []config.Setting, managedBy string) *SettingsView {
	v := &SettingsView{Managed: wrapped(), Rows: container.NewVBox()}
	if managedBy != "" {
		v.Managed.SetText("Your IT admin manages this profile (" + managedBy + "). Settings marked locked can only be changed there.")
	} else {
		v.Managed.SetText("This profile is yours: it comes from your own configuration file.")
	}
	for _, s := range settings {
		key := widget.NewLabelWithStyle(s.Key, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		value := wrappedText(sanitize.Text(s.Value))
		value.Selectable = true
		from := "from " + s.Origin
		switch s.Origin {
		case config.OriginDefault:
			from = "built-in default"
		case config.OriginDerived:
			from = "derived from user_pool_id"
		}
		if s.Locked {
			from += " · locked by your IT admin"
		}
		origin := widget.NewLabelWithStyle(from, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		origin.Wrapping = fyne.TextWrapWord
		origin.Importance = widget.LowImportance
		v.Rows.Add(container.NewVBox(key, value, origin, widget.NewSeparator()))
	}
	return v
}

// showSettings opens the settings of the active profile in a dialog.
func showSettings(parent fyne.Window, get ProfileSettings, profile string) {
	settings, managed, err := get(profile)
	if err != nil {
		dialog.ShowError(err, parent)
		return
	}
	v := NewSettingsView(settings, managed)
	content := container.NewBorder(v.Managed, nil, nil, nil, container.NewVScroll(v.Rows))
	d := dialog.NewCustom("Settings of "+profile, "Close", content, parent)
	d.Resize(fyne.NewSize(460, 480))
	d.Show()
}
