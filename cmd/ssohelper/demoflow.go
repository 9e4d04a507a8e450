package main

import (
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/platform"
)

// demoFlow wires the real flow to the emulator. With auto, a Go client
// plays the browser against the emulator's hosted login page.
func (a *app) demoFlow(p config.Profile, srv *authtest.Server, user *authtest.User, auto, noBrowser bool) *auth.Flow {
	app := authtest.DemoPlatformApp()
	flow := &auth.Flow{
		Profile: p, HTTP: a.env.HTTP, Out: a.env.Stderr, Logger: a.logger(), Now: a.env.Now,
		Exchanger: &platform.Encodify{
			BaseURL: p.Platform.BaseURL, SiteID: p.Platform.SiteID, IdP: p.Platform.IdP,
			ClientAppID: app.ID, ClientAppSecret: app.Secret, HTTP: a.env.HTTP, Now: a.env.Now, Logger: a.logger(),
		},
	}
	switch {
	case auto:
		flow.Opener = &authtest.Browser{Username: user.Username, Password: user.Password}
	case !noBrowser:
		flow.Opener = a.env.Opener
	}
	return flow
}
