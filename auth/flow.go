package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/ssohelper/ssohelper/assets"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/loopback"
	"github.com/ssohelper/ssohelper/auth/platform"
	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Opener opens a URL in the user's browser. Open may block until the
// browser (or the program that starts it) is done; the flow runs it on its
// own goroutine, which exits when Open returns.
type Opener interface {
	Open(ctx context.Context, url string) error
}

// Exchanger turns a verified id_token into a platform token. A profile whose
// platform kind is "none" has no exchanger.
type Exchanger interface {
	Exchange(ctx context.Context, idToken string) (*platform.Token, error)
}

// Flow runs the interactive sign-in for one profile.
type Flow struct {
	Profile      config.Profile // validated, with defaults applied
	ClientSecret string         // confidential app clients only; never logged
	HTTP         *http.Client   // default: 30 s timeout
	Discoverer   *Discoverer    // shared cache; nil => a private one
	Opener       Opener         // nil => only print the URL (--no-browser)
	Exchanger    Exchanger      // nil => platform kind "none"
	Out          io.Writer      // people read this (stderr); nil => discard
	// Paste, when set, is where the user may paste the address the browser
	// was sent to after signing in (login --manual: the browser runs
	// elsewhere). Each line is checked like the browser's own request to
	// the loopback server, which keeps listening meanwhile.
	Paste io.Reader
	// Started, when set, learns the sign-in address and its deadline once
	// the loopback server listens, before the browser opens: a window
	// offers "Copy link" and a countdown with them.
	Started func(authURL string, deadline time.Time)
	// Ready, when set, checks that the sign-in can be kept (the keystore
	// answers and can save). It runs alongside discovery and the loopback
	// listener, the browser opens only once it has passed, and its error
	// is the one Login returns, whatever else failed.
	Ready func(ctx context.Context) error
	// Keep, when set, saves the verified sign-in before the browser is
	// answered, so the page tells whether it was kept; its error is the
	// one Login returns (with no sign-in).
	Keep   func(ctx context.Context, s *SignIn) error
	Logger *slog.Logger // nil => discard
	Now    func() time.Time
}

// probeHeadStart is how long the browser has to come back before the
// flow probes the authorize URL itself (see Login).
const probeHeadStart = 500 * time.Millisecond

// Login runs the whole flow and returns the new sign-in. It gives up when
// ctx ends or the profile's login timeout passes.
func (f *Flow) Login(ctx context.Context) (*SignIn, error) {
	log := logger(f.Logger)
	ctx, cancel := context.WithTimeout(ctx, f.Profile.LoginTimeout.Duration)
	defer cancel()

	prov := &Provider{Profile: f.Profile, ClientSecret: f.ClientSecret, HTTP: f.HTTP, Discoverer: f.Discoverer, Now: f.Now}
	meta, srv, err := f.prepare(ctx, prov)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	log.Debug("loopback server listening", "port", srv.Port())

	req, err := newAuthRequest()
	if err != nil {
		return nil, err
	}
	oc := oauthConfig(meta, f.Profile.ClientID, f.ClientSecret, srv.RedirectURI(), f.Profile.Scopes)
	out := &gatedWriter{w: f.Out}
	defer out.close() // the opener goroutine may outlive Login; it must not write after
	authURL := oc.AuthCodeURL(req.state, req.options(f.Profile.Scopes)...)
	srv.SetStart(authURL)
	if f.Started != nil {
		deadline, _ := ctx.Deadline()
		f.Started(authURL, deadline)
	}
	f.openBrowser(ctx, out, srv, authURL)
	// The result page is rendered first when the sign-in is decided; its
	// template is parsed now, while the user signs in, not then.
	go assets.RenderSuccess(io.Discard, assets.Page{}) // ends when rendered
	if f.Paste != nil {
		go f.readPasted(out, srv)
	}
	// The browser shows the provider's error page when it refuses this
	// client, callback URL or scopes, and never comes back: read the same
	// answer here and stop soon with what to fix, instead of waiting out
	// the login timeout. A browser that is back within probeHeadStart
	// (a provider session signs in without a form) makes the probe
	// needless: it would only load the provider while the browser uses it.
	wctx, refuse := context.WithCancelCause(ctx)
	defer refuse(nil)
	pctx, back := context.WithCancel(wctx)
	go func() { // ends with the probe, or when the browser is back
		select {
		case <-pctx.Done():
			log.Debug("authorize probe not needed: the browser came back")
			return
		case <-time.After(probeHeadStart):
		}
		r, err := ProbeAuthorize(pctx, f.HTTP, f.Profile, authURL, srv.RedirectURI())
		switch {
		case err != nil:
			log.Debug("authorize probe failed; waiting for the browser", "err", err)
		case r != nil && !r.Callback && !r.Transient:
			refuse(r)
		}
	}()

	res, err := srv.Wait(wctx, loopback.Expect{State: req.state, Issuer: meta.Issuer})
	back()
	if r := (*Refusal)(nil); errors.As(context.Cause(wctx), &r) {
		return nil, r
	}
	if err != nil {
		return nil, err
	}
	log.Debug("authorization code received")
	// The signing keys are fetched while the code is redeemed, not after,
	// and not while the browser signs in: there the request competed
	// with the browser's own at the provider and made the whole sign-in
	// 4 ms slower (chrt, 40 runs each), more than it saved.
	go prov.prefetchKeys(ctx, log) // ends with the fetch, or with Login
	// The browser waits on the redirect until the sign-in is complete and
	// kept, so its page tells the truth about the outcome.
	s, err := f.complete(ctx, prov, meta, oc, res.Code, req)
	page := resultPage(err)
	if err == nil && f.Keep != nil {
		if err = f.Keep(ctx, s); err != nil {
			s, page = nil, notKeptPage()
		}
	}
	srv.Finish(page)
	return s, err
}

// prepare runs the steps before the browser opens side by side: the Ready
// check, discovery and the loopback listener. Their errors come in that
// order, the order they used to run in: a failing Ready check is the
// error (and stops the others at once), then discovery's, then the
// listener's. It returns when all three have ended.
func (f *Flow) prepare(ctx context.Context, prov *Provider) (*Metadata, *loopback.Server, error) {
	log := logger(f.Logger)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan error, 1)
	go func() { // ends when Ready returns (the keystore bounds it)
		var err error
		if f.Ready != nil {
			if err = f.Ready(ctx); err != nil {
				cancel()
			}
		}
		ready <- err
	}()
	type listening struct {
		srv *loopback.Server
		err error
	}
	listened := make(chan listening, 1)
	go func() { // binding a port does not wait
		srv, err := loopback.Listen(ctx, loopback.Config{Ports: f.Profile.RedirectPorts, Path: f.Profile.CallbackPath, Logger: f.Logger})
		listened <- listening{srv, err}
	}()
	meta, err := prov.Metadata(ctx)
	if err == nil {
		log.Debug("provider metadata read", "issuer", meta.Issuer)
	}
	l := <-listened
	if rerr := <-ready; rerr != nil {
		err = rerr
	} else if f.Ready != nil {
		log.Debug("the keystore can save")
	}
	if err == nil {
		err = l.err
	}
	if err != nil {
		if l.srv != nil {
			l.srv.Close()
		}
		return nil, nil, err
	}
	return meta, l.srv, nil
}

// complete redeems the code, verifies the id_token and runs the platform
// exchange.
func (f *Flow) complete(ctx context.Context, prov *Provider, meta *Metadata, oc *oauth2.Config, code string, req authRequest) (*SignIn, error) {
	log := logger(f.Logger)
	toks, err := redeem(ctx, f.HTTP, oc, code, req.verifier)
	if err != nil {
		return nil, err
	}
	log.Debug("code redeemed")
	claims, err := prov.Verify(ctx, toks.IDToken, req.nonce)
	if err != nil {
		return nil, err
	}
	log.Debug("id_token verified", "sub", claims.Subject)
	f.addUserInfo(ctx, meta, toks.AccessToken, claims)

	s := &SignIn{
		Profile: f.Profile.Name, Issuer: meta.Issuer, ClientID: f.Profile.ClientID,
		PlatformTarget: f.Profile.Platform.Target(),
		IDToken:        toks.IDToken, AccessToken: toks.AccessToken, RefreshToken: toks.RefreshToken,
		Expiry: toks.Expiry, Claims: *claims, SignedInAt: now(f.Now),
	}
	if s.RefreshToken != "" {
		s.SessionEnd = s.SignedInAt.Add(f.Profile.SessionLifetime.Duration)
	}
	if f.Exchanger != nil {
		if s.Platform, err = f.Exchanger.Exchange(ctx, toks.IDToken); err != nil {
			return nil, err // a *platform.Error names the platform step itself
		}
		log.Debug("platform token received", "scope", s.Platform.Scope)
	}
	return s, nil
}

// openBrowser prints the address so the user can copy it, then starts the
// opener on its own goroutine; a failing opener is reported, not fatal. An
// opener that needs no person (it says what it is with Describe) gets one
// short line instead: nobody has to copy anything. The short address
// (http://localhost:<port>/) redirects to the full one.
func (f *Flow) openBrowser(ctx context.Context, out io.Writer, srv *loopback.Server, authURL string) {
	short := srv.StartURI()
	if f.Opener == nil {
		fmt.Fprintf(out, "Open this address in your browser to sign in:\n\n  %s\n\n", short)
		fmt.Fprintf(out, "From another machine, forward the port first (ssh -L %d:localhost:%d this-host) or open the full address:\n\n  %s\n\n",
			srv.Port(), srv.Port(), authURL)
		return
	}
	if d, ok := f.Opener.(interface{ Describe() string }); ok {
		fmt.Fprintf(out, "Signing in with %s…\n", d.Describe())
	} else {
		fmt.Fprintf(out, "Opening your browser to sign in. If it does not open, visit:\n\n  %s\n\n", short)
	}
	go func() {
		if err := f.Opener.Open(ctx, authURL); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintf(out, "Could not open a browser (%v); open the address above by hand.\n", err)
		}
	}()
}

// readPasted feeds the lines the user pastes to the loopback server until
// one is taken; it says what is wrong with the others. It ends with the
// input (or runs on, harmlessly, until the process ends).
func (f *Flow) readPasted(out io.Writer, srv *loopback.Server) {
	fmt.Fprintf(out, "After you sign in, the browser goes to %s?… (the page may not load there).\n"+
		"Copy that whole address from the browser's address bar, paste it here and press Enter:\n", srv.RedirectURI())
	sc := bufio.NewScanner(f.Paste)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		err := srv.Submit(line)
		switch {
		case err == nil:
			return
		case errors.Is(err, loopback.ErrStateMismatch):
			fmt.Fprintln(out, "That address belongs to another sign-in (its state does not match); paste the one from this sign-in:")
		case errors.Is(err, loopback.ErrClosed):
			return
		default:
			fmt.Fprintf(out, "%v. Paste it again:\n", sanitize.Text(err.Error()))
		}
	}
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}
