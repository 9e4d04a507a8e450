package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ssohelper/ssohelper/auth/config"
)

// TestSettingsView: the dialog names the managing file, every setting
// with its value and origin, and the locked ones.
func TestSettingsView(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("ssohelper")
	w.Resize(WindowSize)
	w.Show()
	const sys = "/etc/xdg/ssohelper/config.toml"
	settings := []config.Setting{
		{Key: "user_pool_id", Value: "eu-west-1_AbC123", Origin: sys, Locked: true},
		{Key: "region", Value: "eu-west-1", Origin: config.OriginDerived, Locked: true},
		{Key: "client_id", Value: "1example23456789abcdefghij", Origin: sys, Locked: true},
		{Key: "redirect_ports", Value: "50001", Origin: "/home/dana/.config/ssohelper/config.toml"},
		{Key: "login_timeout", Value: "5m0s", Origin: config.OriginDefault},
	}
	get := func(string) ([]config.Setting, string, error) { return settings, sys, nil }
	fyne.DoAndWait(func() { showSettings(w, get, "work") })
	test.AssertImageMatches(t, "settings.png", w.Canvas().Capture())

	v := NewSettingsView(settings, sys)
	if !strings.Contains(v.Managed.Text, sys) {
		t.Errorf("managed line %q lacks %s", v.Managed.Text, sys)
	}
	var texts []string
	for _, row := range v.Rows.Objects {
		for _, o := range row.(*fyne.Container).Objects {
			if l, ok := o.(*widget.Label); ok {
				texts = append(texts, l.Text)
			}
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"client_id", "1example23456789abcdefghij", "from " + sys + " · locked by your IT admin",
		"derived from user_pool_id", "from /home/dana/.config/ssohelper/config.toml", "built-in default"} {
		if !strings.Contains(all, want) {
			t.Errorf("view lacks %q:\n%s", want, all)
		}
	}
	if strings.Count(all, "locked") != 3 {
		t.Errorf("want 3 locked settings:\n%s", all)
	}
	if own := NewSettingsView(settings[3:], ""); !strings.Contains(own.Managed.Text, "yours") {
		t.Errorf("unmanaged: %q", own.Managed.Text)
	}
	// An error loading the profile shows as an error dialog, not a panic.
	fyne.DoAndWait(func() {
		showSettings(w, func(string) ([]config.Setting, string, error) { return nil, "", errors.New("broken") }, "work")
	})
}
