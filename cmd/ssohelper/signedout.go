package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/config"
)

// signedOutWait bounds how long logout --browser waits for the browser to
// come back from the provider's sign-out page.
const signedOutWait = 60 * time.Second

// endBrowserSession opens the provider's logout address. When logout_uri
// points at this computer, a small loopback server shows the "signed out"
// page the browser is sent back to.
func (a *app) endBrowserSession(ctx context.Context, p config.Profile) error {
	if p.LogoutURI == "" {
		return errNoLogoutURI(p)
	}
	prov := &auth.Provider{Profile: p, HTTP: a.httpFor(p), Now: a.env.Now}
	addr, err := prov.LogoutURL(ctx, p.LogoutURI)
	if err != nil {
		return err
	}
	if addr == "" {
		return fmt.Errorf("the identity provider of profile %s has no sign-out endpoint", p.Name)
	}
	done, stop := serveSignedOut(p.LogoutURI)
	defer stop()
	fmt.Fprintf(a.env.Stderr, "Ending the browser session. If no browser opens, visit:\n\n  %s\n\n", addr)
	if a.env.Opener != nil {
		go func() {
			if err := a.env.Opener.Open(ctx, addr); err != nil {
				fmt.Fprintf(a.env.Stderr, "Could not open a browser (%v); open the address above by hand.\n", err)
			}
		}()
	}
	if done == nil {
		return nil
	}
	select {
	case <-done:
		fmt.Fprintln(a.env.Stderr, "The identity provider ended the browser session.")
	case <-time.After(signedOutWait):
		fmt.Fprintln(a.env.Stderr, "The browser did not come back from the sign-out page; the saved sign-in is deleted in any case.")
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// serveSignedOut listens on the loopback port of logoutURI (when it is
// http://localhost:<port>/<path>) and serves the signed-out page on that
// path, to loopback Host names only. done is closed once the page has been
// served; it is nil when nothing listens.
func serveSignedOut(logoutURI string) (done chan struct{}, stop func()) {
	u, err := url.Parse(logoutURI)
	if err != nil || u.Scheme != "http" || u.Hostname() != "localhost" || u.Port() == "" {
		return nil, func() {}
	}
	hosts := map[string]bool{}
	for _, h := range []string{"localhost", "127.0.0.1", "[::1]"} {
		hosts[h+":"+u.Port()] = true
	}
	done = make(chan struct{})
	var once sync.Once
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hosts[strings.ToLower(r.Host)] || r.URL.Path != u.Path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		assets.RenderSignedOut(w)
		once.Do(func() { close(done) })
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	var listening bool
	for _, host := range []string{"127.0.0.1", "::1"} {
		if l, err := net.Listen("tcp", net.JoinHostPort(host, u.Port())); err == nil {
			listening = true
			go srv.Serve(l) // exits when stop shuts srv down
		}
	}
	if !listening {
		return nil, func() {}
	}
	return done, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
}

func errNoLogoutURI(p config.Profile) error {
	return usagef("profile %s has no logout_uri, which --browser needs; register a sign-out URL such as http://localhost:%d/signed-out on the app client and set logout_uri to it", p.Name, p.RedirectPorts[0])
}
