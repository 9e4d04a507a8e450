package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/ssohelper/ssohelper/app/instance"
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/bridge"
	"github.com/ssohelper/ssohelper/auth/config"
	"github.com/ssohelper/ssohelper/auth/handoff"
	"github.com/ssohelper/ssohelper/keystore"
)

// envBridgePort overrides the bridge's port.
const envBridgePort = "SSOHELPER_BRIDGE_PORT"

// bridgePort is the port of the user's bridge: --port, $SSOHELPER_BRIDGE_PORT,
// else bridge.DefaultPort.
func (a *app) bridgePort(flag int) (int, error) {
	if flag != 0 {
		return flag, nil
	}
	if v := a.env.Getenv(envBridgePort); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return 0, usagef("%s=%q: give a port number (1-65535)", envBridgePort, v)
		}
		return n, nil
	}
	return bridge.DefaultPort, nil
}

// bridgeAdminPath is where the running bridge keeps its admin token: the
// user's runtime dir (else cache dir), which only the user can read.
func (a *app) bridgeAdminPath() string {
	dir := a.env.Getenv("XDG_RUNTIME_DIR")
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cacheDirOrTemp(), "ssohelper")
	}
	return filepath.Join(dir, "ssohelper-bridge.token")
}

func cacheDirOrTemp() string {
	if d, err := os.UserCacheDir(); err == nil {
		return d
	}
	return os.TempDir()
}

// bridgeStore keeps the paired plugins in the keystore, sealed like the
// sign-ins: one entry, the list as JSON.
type bridgeStore struct{ st *keystore.Store }

const bridgeStoreName = "bridge/plugins"

func (b bridgeStore) Load(ctx context.Context) ([]bridge.Plugin, error) {
	raw, err := b.st.Get(ctx, bridgeStoreName)
	if errors.Is(err, keystore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []bridge.Plugin
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("the paired plugins' entry is damaged (%w); pair the plugins again after 'ssohelper bridge revoke --all'", err)
	}
	return list, nil
}

func (b bridgeStore) Save(ctx context.Context, list []bridge.Plugin) error {
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return b.st.Put(ctx, bridgeStoreName, raw)
}

// bridgeTokens hands the bridge the same tokens as `token`, through the
// same account manager and cross-process lock. It keeps each profile's
// token in memory while it has more than the margin left, and forgets
// them whenever the saved sign-ins change (pushChanges): plugins asking
// often cost no store read.
type bridgeTokens struct {
	a *app
	// signIn asks the user to sign in to a profile (the desktop app shows
	// its window; headless, it is said on stderr).
	signIn func(ctx context.Context, profile string) error

	mu    sync.Mutex
	cache map[string]handoff.Token
}

// forget drops the cached tokens.
func (t *bridgeTokens) forget() {
	t.mu.Lock()
	t.cache = nil
	t.mu.Unlock()
}

func (t *bridgeTokens) Token(ctx context.Context, profile string, minValid time.Duration) (handoff.Token, error) {
	margin := max(minValid, account.DefaultMargin)
	t.mu.Lock()
	tok, ok := t.cache[profile]
	t.mu.Unlock()
	if ok && t.a.env.Now().Add(margin).Before(tok.Expiry) {
		return tok, nil
	}
	tok, err := t.fresh(ctx, profile, minValid)
	if err == nil {
		t.mu.Lock()
		if t.cache == nil {
			t.cache = map[string]handoff.Token{}
		}
		t.cache[profile] = tok
		t.mu.Unlock()
	}
	return tok, err
}

// fresh reads (and renews when due) profile's token through the manager.
func (t *bridgeTokens) fresh(ctx context.Context, profile string, minValid time.Duration) (handoff.Token, error) {
	p, err := t.a.profile(config.Overrides{Profile: profile})
	if err != nil {
		return handoff.Token{}, err
	}
	m, _, err := t.a.manager(p)
	if err != nil {
		return handoff.Token{}, err
	}
	m.Margin = minValid
	s, err := m.Token(ctx)
	if errors.Is(err, auth.ErrLoginRequired) {
		return handoff.Token{}, fmt.Errorf("%w: %w", bridge.ErrSignInRequired, err)
	}
	if err != nil {
		return handoff.Token{}, err
	}
	return handoff.From(s, handoff.Default), nil
}

func (t *bridgeTokens) SignIn(ctx context.Context, profile string) error {
	return t.signIn(ctx, profile)
}

// headlessSignIn is the sign-in ask of `serve`: the running desktop app
// shows it; else stderr says what to run.
func (a *app) headlessSignIn(_ context.Context, profile string) error {
	if err := instance.Send(instance.SocketPath(a.env.Getenv), "login "+profile); err == nil {
		return nil
	}
	fmt.Fprintf(a.env.Stderr, "A plugin asks you to sign in to profile %s: run 'ssohelper login --profile %s'.\n", profile, profile)
	return nil
}

// serveOptions are serve's flags.
type serveOptions struct {
	port      int
	origins   []string
	demo      bool
	desktop   bool    // started by the desktop app (hidden flag)
	tokenRate float64 // token reads a second per plugin
}

// serveBridge runs the bridge until ctx ends: one per user; it pushes the
// changes it sees in the saved sign-ins to the plugins.
func (a *app) serveBridge(ctx context.Context, o serveOptions, profile string, ask func(bridge.PairRequest)) error {
	ctx, quit := context.WithCancel(ctx)
	defer quit()
	port, err := a.bridgePort(o.port)
	if err != nil {
		return err
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(a.env.DataDir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", a.env.DataDir, err)
	}
	audit, err := os.OpenFile(filepath.Join(a.env.DataDir, "bridge-audit.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the bridge's audit log: %w", err)
	}
	defer audit.Close()
	tokens := &bridgeTokens{a: a, signIn: a.headlessSignIn}
	srv, err := bridge.New(ctx, bridge.Options{
		Port: port, Version: version, Profile: profile, Origins: o.origins, TokenRate: o.tokenRate,
		Tokens: tokens, Store: bridgeStore{st},
		Ask: ask, Desktop: o.desktop, AdminTokenPath: a.bridgeAdminPath(), Audit: audit,
		Logger: a.logger(), Now: a.env.Now, OnQuit: quit,
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		if errors.Is(err, bridge.ErrPortBusy) {
			return a.portBusy(ctx, port)
		}
		return err
	}
	defer srv.Close()
	if o.desktop {
		go a.quitWithDesktopApp(ctx, quit)
	}
	fmt.Fprintf(a.env.Stderr, "ssohelper bridge on http://127.0.0.1:%d (profile %s); plugins pair with it, you approve with 'ssohelper bridge approve CODE'. Ctrl+C stops it.\n", port, profile)
	a.pushChanges(ctx, srv, tokens.forget)
	return nil
}

// quitWithDesktopApp ends a bridge the desktop app started once the app
// is gone (it crashed, or was killed, and could not stop it): checked every
// 10 s, gone twice in a row.
func (a *app) quitWithDesktopApp(ctx context.Context, quit func()) {
	path := instance.SocketPath(a.env.Getenv)
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if instance.Alive(path) {
			missed = 0
			continue
		}
		if missed++; missed >= 2 {
			a.logger().Info("bridge: the desktop app is gone; stopping")
			quit()
			return
		}
	}
}

// portBusy explains a taken bridge port: the user's own bridge (nothing to
// do), or another program (what to configure).
func (a *app) portBusy(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/v1/hello", port), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		defer resp.Body.Close()
		var h bridge.Hello
		if json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&h) == nil && h.Helper == "ssohelper" {
			where := "'ssohelper serve'"
			if h.Desktop {
				where = "the desktop app"
			}
			fmt.Fprintf(a.env.Stderr, "Your ssohelper bridge already runs on port %d (in %s); nothing to do.\n", port, where)
			return nil
		}
	}
	return &hintError{fmt.Errorf("%w: port %d is taken by another program", bridge.ErrPortBusy, port),
		fmt.Sprintf("choose another port with --port or %s=PORT, and list http://127.0.0.1:PORT and ws://127.0.0.1:PORT in the plugins' manifests", envBridgePort), true}
}

// pushChanges tells the plugins what happens to the saved sign-ins, as
// any process makes it (this bridge's refreshes, the CLI, the desktop
// app): it watches the data directory until ctx ends.
func (a *app) pushChanges(ctx context.Context, srv *bridge.Server, changed func()) {
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = w.Add(a.env.DataDir)
	}
	if err != nil {
		a.logger().Info("bridge: not watching the saved sign-ins; no push on changes", "err", err)
		<-ctx.Done()
		return
	}
	defer w.Close()
	// The config file too: a profile that now names another pool, client
	// or platform is a profile_changed.
	cfgPath, _ := a.configPath()
	if cfgPath != "" {
		if err := w.Add(filepath.Dir(cfgPath)); err != nil {
			a.logger().Debug("bridge: not watching the config file", "err", err)
		}
	}
	settings := map[string]string{} // profile -> what its tokens belong to
	checkConfig := func() {
		for _, profile := range pluginProfiles(srv) {
			now := a.profileBinding(profile)
			old, seen := settings[profile]
			settings[profile] = now
			if seen && now != old {
				changed()
				srv.Publish(bridge.Event{Type: bridge.EventProfileChanged, Profile: profile})
			}
		}
	}
	checkConfig()
	known := map[string]savedToken{} // profile -> its saved token, zero: signed out
	var mu sync.Mutex
	check := func() {
		changed()
		mu.Lock()
		defer mu.Unlock()
		for _, profile := range pluginProfiles(srv) {
			now := a.savedToken(ctx, profile)
			old, seen := known[profile]
			known[profile] = now
			switch {
			case !seen:
			case old.id == "" && now.id != "":
				srv.Publish(bridge.Event{Type: bridge.EventSignedIn, Profile: profile, Expiry: now.expiry})
			case old.id != "" && now.id == "":
				srv.Publish(bridge.Event{Type: bridge.EventSignedOut, Profile: profile})
			case now.id != old.id:
				srv.Publish(bridge.Event{Type: bridge.EventTokenRefreshed, Profile: profile, Expiry: now.expiry})
			}
		}
	}
	check()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-w.Events:
			switch {
			case filepath.Ext(ev.Name) == ".vault" && filepath.Base(ev.Name)[0] != '.':
				check()
			case ev.Name == cfgPath:
				checkConfig()
			}
		case err := <-w.Errors:
			a.logger().Debug("bridge: watching", "err", err)
		}
	}
}

// pluginProfiles are the profiles paired plugins use.
func pluginProfiles(srv *bridge.Server) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range srv.Plugins() {
		if !seen[p.Profile] {
			seen[p.Profile], out = true, append(out, p.Profile)
		}
	}
	return out
}

// profileBinding is what profile's tokens belong to (issuer, client,
// platform), or why there is none.
func (a *app) profileBinding(profile string) string {
	p, err := a.profile(config.Overrides{Profile: profile})
	if err != nil {
		return "error: " + err.Error()
	}
	return p.IssuerURL() + "|" + p.ClientID + "|" + p.Platform.Target()
}

// savedToken identifies a saved token without keeping it: a short hash
// (two renewals in one second have the same expiry, not the same token).
type savedToken struct {
	id     string
	expiry time.Time
}

// savedToken is profile's saved token, zero when none.
func (a *app) savedToken(ctx context.Context, profile string) savedToken {
	p, err := a.profile(config.Overrides{Profile: profile})
	if err != nil {
		return savedToken{}
	}
	m, _, err := a.manager(p)
	if err != nil {
		return savedToken{}
	}
	s, err := m.Load(ctx)
	if err != nil {
		return savedToken{}
	}
	t := handoff.From(s, handoff.Default)
	sum := sha256.Sum256([]byte(t.Token))
	return savedToken{id: hex.EncodeToString(sum[:8]), expiry: t.Expiry}
}

// adminCall calls the running bridge's admin API; errNoBridge when none
// runs.
func (a *app) adminCall(ctx context.Context, method, path string, in, out any) error {
	tok, err := bridge.ReadAdminToken(a.bridgeAdminPath())
	if err != nil {
		return errNoBridge
	}
	port, err := a.bridgePort(0)
	if err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return errNoBridge
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e bridge.APIError
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&e)
		if resp.StatusCode == http.StatusNotFound {
			return usagef("%s", e.Message)
		}
		return fmt.Errorf("the bridge answered %d: %s", resp.StatusCode, e.Message)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
}

var errNoBridge = errors.New("no ssohelper bridge runs for you (start 'ssohelper serve' or the desktop app)")
