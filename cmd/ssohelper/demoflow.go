package main

import (
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

// demoFlow wires the real flow to the emulator. With auto, a Go client
// plays the browser against the emulator's hosted login page.
func (a *app) demoFlow(p config.Profile, srv *authtest.Server, user *authtest.User, auto, noBrowser bool) *auth.Flow {
	flow := &auth.Flow{
		Profile: p, HTTP: a.httpFor(p), Out: a.env.Stderr, Logger: a.logger(), Now: a.env.Now,
		Exchanger: a.encodify(p, authtest.DemoPlatformApp().Secret),
	}
	switch {
	case auto:
		flow.Opener = &authtest.Browser{Username: user.Username, Password: user.Password}
	case !noBrowser:
		flow.Opener = a.env.Opener
	}
	return flow
}
