package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssohelper/ssohelper/auth/authtest"
	"github.com/ssohelper/ssohelper/auth/config"
)

func (a *app) demoCmd() *cobra.Command {
	var auto, noBrowser, desktop bool
	var user string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Sign in against the built-in Cognito and platform emulator",
		Long: `demo starts an emulated Amazon Cognito user pool and an Encodify-style
platform on loopback, then runs the real sign-in flow against them: browser,
loopback redirect, id_token verification, platform token. Nothing is saved.

Without a display (or with --auto) the helper fills in the emulator's login
page itself, so the demo also runs on servers and CI machines.

--desktop runs the desktop app on the emulator instead, so you can click
through sign-in, refresh and sign-out; its settings and sign-ins live in a
temporary directory that is removed when you quit it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if desktop {
				if auto || noBrowser {
					return usagef("--desktop runs the desktop app, where you click Sign in yourself: leave out --auto and --no-browser")
				}
				return a.demoDesktop(cmd.Context())
			}
			return a.demo(cmd.Context(), user, auto, noBrowser)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&auto, "auto", false, "complete the emulator's login page without a browser (default when there is no display)")
	f.BoolVar(&noBrowser, "no-browser", false, "print the sign-in address instead of opening a browser")
	f.BoolVar(&desktop, "desktop", false, "run the desktop app on the emulator (desktop build, with a display)")
	f.StringVar(&user, "user", "designer", "demo user: designer, admin or outsider (outsider is refused by the platform)")
	return cmd
}

func (a *app) demo(ctx context.Context, username string, auto, noBrowser bool) error {
	var user *authtest.User
	var names []string
	for _, u := range authtest.DemoUsers() {
		names = append(names, u.Username)
		if u.Username == username {
			user = &u
		}
	}
	if user == nil {
		return usagef("no demo user %q; choose one of %s", username, strings.Join(names, ", "))
	}
	if auto && noBrowser {
		return usagef("--auto and --no-browser contradict each other: --auto signs in without any browser, --no-browser prints the address for you to open; pick one")
	}
	if !auto && !noBrowser && !hasDisplay(a.env.Getenv) {
		fmt.Fprintln(a.env.Stderr, "No display found: the demo will fill in the login page itself (--auto).")
		auto = true
	}

	srv, p, err := a.startDemoEmulator()
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(a.env.Stderr, "Demo Cognito user pool %s and platform running at %s\n", srv.PoolID(), srv.URL())
	fmt.Fprintf(a.env.Stderr, "Sign in as user %q with password %q.\n\n", user.Username, user.Password)

	flow := a.demoFlow(p, srv, user, auto, noBrowser)
	s, err := flow.Login(ctx)
	if err != nil {
		return err
	}
	printSignIn(a.env.Stderr, s, a.env.Now())
	for _, u := range srv.ProvisionedUsers() {
		fmt.Fprintf(a.env.Stderr, "  the platform provisioned %s: access right %q, groups %s\n",
			u.ExternalID, u.AccessRight, strings.Join(u.Groups, ", "))
	}
	fmt.Fprintln(a.env.Stderr, "Demo finished; the demo tokens were kept in memory only.")
	return nil
}

// startDemoEmulator starts the emulator and returns it with the profile
// that signs in to it.
func (a *app) startDemoEmulator() (*authtest.Server, config.Profile, error) {
	// The emulator is ours, so its app client can register whichever
	// loopback ports are free right now.
	ports, err := freeLoopbackPorts(3)
	if err != nil {
		return nil, config.Profile{}, err
	}
	client := authtest.DemoClient()
	client.CallbackURLs, client.LogoutURLs = nil, nil
	for _, port := range ports {
		client.CallbackURLs = append(client.CallbackURLs, fmt.Sprintf("http://localhost:%d/callback", port))
		client.LogoutURLs = append(client.LogoutURLs, fmt.Sprintf("http://localhost:%d/signed-out", port))
	}
	srv, err := authtest.NewServer(authtest.Options{Clients: []authtest.Client{client}, Logger: a.logger()})
	if err != nil {
		return nil, config.Profile{}, fmt.Errorf("starting the emulator: %w", err)
	}
	p := demoProfile(srv)
	p.RedirectPorts = ports
	if err := p.Validate(); err != nil {
		srv.Close()
		return nil, p, err
	}
	return srv, p, nil
}

// demoProfile is the ready-made profile for the emulator.
func demoProfile(srv *authtest.Server) config.Profile {
	app := authtest.DemoPlatformApp()
	plat := authtest.DemoPlatformOptions()
	return config.Profile{
		Name:     "demo",
		Issuer:   srv.Issuer(),
		ClientID: authtest.DemoClient().ID,
		Platform: config.Platform{
			Kind: config.KindEncodify, BaseURL: srv.PlatformURL(),
			SiteID: plat.SiteID, IdP: plat.IdP, ClientAppID: app.ID,
		},
		LoginTimeout: config.Duration{Duration: 5 * time.Minute},
	}.WithDefaults()
}

func hasDisplay(getenv func(string) string) bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// freeLoopbackPorts returns n loopback ports that are free at this moment.
func freeLoopbackPorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free loopback port: %w", err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		defer l.Close()
	}
	return ports, nil
}
