package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ssohelper/ssohelper/auth/config"
)

// TestSetupForm types a profile into the first-run form: Save stays off
// until the validator of `config validate` is happy, then stores the
// profile and the secrets.
func TestSetupForm(t *testing.T) {
	test.NewTempApp(t)
	var saved config.Profile
	var secrets []string
	done := false
	f := NewSetupForm(func(p config.Profile, cs, ps string) error {
		saved, secrets = p, []string{cs, ps}
		return nil
	}, func(config.Profile) { done = true })
	w := test.NewTempWindow(t, f.Content)
	_ = w
	if !f.Save.Disabled() || !strings.Contains(f.Problems.Text, "user_pool_id") {
		t.Fatalf("empty form: save disabled %v, problems %q", f.Save.Disabled(), f.Problems.Text)
	}
	test.Type(f.PoolID, "eu-west-1_AbC123")
	test.Type(f.ClientID, "abc")
	if !strings.Contains(f.Problems.Text, "note: client_id") || !strings.Contains(f.Problems.Text, "platform.base_url") {
		t.Errorf("problems %q; want the client id note and the missing platform URL", f.Problems.Text)
	}
	test.Type(f.BaseURL, "http://worker.example.com/encode")
	if !strings.Contains(f.Problems.Text, "plain http") {
		t.Errorf("problems %q; want the http refused", f.Problems.Text)
	}
	f.BaseURL.SetText("")
	test.Type(f.BaseURL, "https://worker.example.com/encode")
	test.Type(f.SiteID, "36")
	test.Type(f.IdP, "cognito")
	test.Type(f.AppID, "app-1")
	if !f.Save.Disabled() || !strings.Contains(f.Problems.Text, "Client App Secret: is empty") {
		t.Errorf("no platform secret: save disabled %v, problems %q", f.Save.Disabled(), f.Problems.Text)
	}
	test.Type(f.PlatformSecret, "plat-s3cret")
	if f.Save.Disabled() {
		t.Fatalf("valid form: Save disabled; problems %q", f.Problems.Text)
	}
	test.Tap(f.Save)
	if !done || saved.Name != "work" || saved.UserPoolID != "eu-west-1_AbC123" || saved.Platform.Kind != config.KindEncodify ||
		saved.Platform.ClientAppID != "app-1" || secrets[0] != "" || secrets[1] != "plat-s3cret" {
		t.Errorf("saved %+v with secrets %q", saved, secrets)
	}
	if err := saved.Validate(); err != nil {
		t.Errorf("saved profile does not validate: %v", err)
	}
	// Kind none needs no platform details.
	f.Kind.SetSelected(config.KindNone)
	if f.Save.Disabled() || f.platform.Visible() {
		t.Errorf("kind none: save disabled %v, platform fields shown %v; problems %q", f.Save.Disabled(), f.platform.Visible(), f.Problems.Text)
	}
}
