package app

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/ssohelper/ssohelper/auth/config"
)

// SetupForm is the first-run "Enter the details" form. It checks what is
// typed as it is typed, with the same validator as `config validate`, and
// enables Save only for a valid profile.
type SetupForm struct {
	Name, PoolID, ClientID      *widget.Entry
	Confidential                *widget.Check
	ClientSecret                *widget.Entry
	Kind                        *widget.RadioGroup
	BaseURL, SiteID, IdP, AppID *widget.Entry
	PlatformSecret              *widget.Entry
	Problems                    *widget.Label
	Save                        *widget.Button
	Content                     fyne.CanvasObject

	platform *fyne.Container
}

// SaveProfile stores a profile (and its secrets, in the keyring exactly as
// `config set-secret` does); cmd wires it.
type SaveProfile func(p config.Profile, clientSecret, platformSecret string) error

// NewSetupForm builds the form; save runs on Save.
func NewSetupForm(save SaveProfile, done func(config.Profile)) *SetupForm {
	f := &SetupForm{}
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { f.check() }
		return e
	}
	f.Name = entry("work")
	f.Name.SetText("work")
	f.PoolID = entry("eu-west-1_AbC123")
	f.ClientID = entry("26 letters and digits")
	f.ClientSecret = widget.NewPasswordEntry()
	f.ClientSecret.OnChanged = func(string) { f.check() }
	f.Confidential = widget.NewCheck("The app client has a secret", func(bool) { f.check() })
	f.BaseURL = entry("https://worker.example.com/encode")
	f.SiteID = entry("36")
	f.IdP = entry("cognito")
	f.AppID = entry("Client App Id")
	f.PlatformSecret = widget.NewPasswordEntry()
	f.PlatformSecret.OnChanged = func(string) { f.check() }
	f.Kind = widget.NewRadioGroup([]string{config.KindEncodify, config.KindNone}, func(string) { f.check() })
	f.Kind.Horizontal = true
	f.Kind.SetSelected(config.KindEncodify)
	f.Problems = widget.NewLabel("")
	f.Problems.Wrapping = fyne.TextWrapWord
	f.Problems.Importance = widget.WarningImportance
	f.Save = widget.NewButton("Save", func() {
		p := f.Profile()
		if err := save(p, strings.TrimSpace(f.ClientSecret.Text), strings.TrimSpace(f.PlatformSecret.Text)); err != nil {
			f.Problems.SetText("Not saved: " + err.Error())
			return
		}
		if done != nil {
			done(p)
		}
	})
	f.Save.Importance = widget.HighImportance

	f.platform = container.New(layoutForm(),
		widget.NewLabel("Platform URL"), f.BaseURL,
		widget.NewLabel("Site id"), f.SiteID,
		widget.NewLabel("IdP name"), f.IdP,
		widget.NewLabel("Client App Id"), f.AppID,
		widget.NewLabel("Client App Secret"), f.PlatformSecret,
	)
	f.Content = container.NewVScroll(container.NewVBox(
		widget.NewLabel("The details come from your IT team."),
		container.New(layoutForm(),
			widget.NewLabel("Profile name"), f.Name,
			widget.NewLabel("User pool id"), f.PoolID,
			widget.NewLabel("App client id"), f.ClientID,
			widget.NewLabel(""), f.Confidential,
			widget.NewLabel("App client secret"), f.ClientSecret,
			widget.NewLabel("Platform"), f.Kind,
		),
		f.platform, f.Problems, f.Save,
	))
	f.check()
	return f
}

// Profile is the profile the form describes, with defaults applied.
func (f *SetupForm) Profile() config.Profile {
	p := config.Profile{
		Name: strings.TrimSpace(f.Name.Text), UserPoolID: strings.TrimSpace(f.PoolID.Text),
		ClientID: strings.TrimSpace(f.ClientID.Text), Confidential: f.Confidential.Checked,
		Platform: config.Platform{Kind: f.Kind.Selected},
	}
	if p.Platform.Kind == config.KindEncodify {
		p.Platform.BaseURL = strings.TrimSpace(f.BaseURL.Text)
		p.Platform.SiteID = strings.TrimSpace(f.SiteID.Text)
		p.Platform.IdP = strings.TrimSpace(f.IdP.Text)
		p.Platform.ClientAppID = strings.TrimSpace(f.AppID.Text)
	}
	return p.WithDefaults()
}

// check validates the form as it stands and says what to fix.
func (f *SetupForm) check() {
	if f.Save == nil {
		return // still building
	}
	encodify := f.Kind.Selected == config.KindEncodify
	if encodify {
		f.platform.Show()
	} else {
		f.platform.Hide()
	}
	if f.Confidential.Checked {
		f.ClientSecret.Enable()
	} else {
		f.ClientSecret.Disable()
	}
	var problems []string
	var verr *config.ValidationError
	if err := f.Profile().Validate(); errors.As(err, &verr) {
		for _, pr := range verr.Problems {
			pr.Profile = ""
			problems = append(problems, pr.String())
		}
	}
	if f.Confidential.Checked && strings.TrimSpace(f.ClientSecret.Text) == "" {
		problems = append(problems, "app client secret: is empty; paste the secret, or untick the box")
	}
	if encodify && strings.TrimSpace(f.PlatformSecret.Text) == "" {
		problems = append(problems, "Client App Secret: is empty; paste the platform's Client App Secret")
	}
	for _, w := range f.Profile().Warnings() {
		w.Profile = ""
		problems = append(problems, "note: "+w.String())
	}
	f.Problems.SetText(strings.Join(problems, "\n"))
	if blocking(problems) {
		f.Save.Disable()
	} else {
		f.Save.Enable()
	}
}

// blocking reports whether any problem is more than a note.
func blocking(problems []string) bool {
	for _, p := range problems {
		if !strings.HasPrefix(p, "note: ") {
			return true
		}
	}
	return false
}

func layoutForm() fyne.Layout { return layout.NewFormLayout() }
