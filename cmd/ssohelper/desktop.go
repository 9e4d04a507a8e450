//go:build !nogui

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/spf13/cobra"

	desktopapp "github.com/ssohelper/ssohelper/app"
	"github.com/ssohelper/ssohelper/app/instance"
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/account"
	"github.com/ssohelper/ssohelper/auth/config"
)

// hasDesktop says whether this build has the desktop app.
const hasDesktop = true

// appID is the desktop app's unique id (Fyne preferences, notifications).
const appID = "io.ssohelper.desktop" // as in FyneApp.toml

// isLink reports whether a lone argument is an ssohelper:// link.
func isLink(arg string) bool { return desktopapp.IsLink(arg) }

// runDesktop starts the desktop app: the window and the tray icon, or
// hands an ssohelper:// link (args) to the app that runs. Only this path
// initialises Fyne; every subcommand works without a display.
func (a *app) runDesktop(cmd *cobra.Command, args []string) error {
	// The app switches between its window and tray images by exec (see
	// package app); a handover in the environment says which one is next.
	prev, inherited, err := takeHandover(a.env.Getenv)
	if err != nil {
		return err
	}
	msg := "open"
	if prev == nil && len(args) == 1 {
		l, err := desktopapp.ParseLink(args[0])
		if err != nil {
			return usagef("refused the link: %v", err)
		}
		msg = l.Message()
	}
	logDir := filepath.Join(cacheDir(), "ssohelper")
	logFile, err := desktopapp.OpenLog(logDir)
	if err != nil {
		fmt.Fprintf(a.env.Stderr, "ssohelper: no log file: %v\n", err)
	}
	var sinks []io.Writer
	if logFile != nil {
		defer logFile.Close()
		sinks = append(sinks, logFile)
	}
	level := slog.LevelInfo
	if a.g.verbose {
		sinks, level = append(sinks, a.env.Stderr), slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(sinks...), &slog.HandlerOptions{Level: level}))
	a.appLog = log

	// One app per user: a second launch raises the first one's window.
	msgs := make(chan string, 4)
	onMessage := func(m string) {
		select {
		case msgs <- m:
		default:
		}
	}
	var inst *instance.Instance
	if prev != nil {
		inst, err = instance.Adopt(inherited, instance.SocketPath(a.env.Getenv), onMessage)
	} else {
		if msg != "open" {
			msgs <- msg // started by a link: act on it once the app runs
		}
		inst, err = instance.Claim(instance.SocketPath(a.env.Getenv), msg, onMessage)
	}
	if errors.Is(err, instance.ErrRunning) {
		fmt.Fprintln(a.env.Stderr, "ssohelper is already running; its window is shown now.")
		return nil
	}
	if err != nil {
		log.Info("running without the single-instance socket", "err", err)
		inst = nil
	}

	if prev == nil { // the bridge outlives image switches: start it once
		go a.startBridge(cmd.Context(), logDir, log)
	}
	tray := trayHostPresent(a.env.Getenv)
	// The tray image needs the socket to hand over (see takeHandover).
	light := desktopapp.LightTraySupported && tray && inst != nil
	next := desktopapp.Handover{To: desktopapp.ImageWindow}
	switch {
	case prev != nil:
		next = *prev
	case a.g.hidden && light:
		next = desktopapp.Handover{To: desktopapp.ImageTray}
	}
	switch next.To {
	case desktopapp.ImageTray:
		next, err = desktopapp.RunTray(cmd.Context(), desktopapp.TrayOptions{
			Backend: &desktopBackend{a: a}, Logger: log, DataDir: a.env.DataDir, Messages: msgs,
		})
	case desktopapp.ImageWindow:
		var autostart func() (bool, error)
		var setAutostart func(bool) error
		if in, err := a.integration(); err == nil {
			autostart = in.Autostart
			setAutostart = func(on bool) error { return in.SetAutostart(context.Background(), on) }
		}
		fyneapp.SetMetadata(fyne.AppMetadata{ID: appID, Name: "ssohelper", Version: version})
		next, err = desktopapp.Run(cmd.Context(), desktopapp.Options{
			App: fyneapp.NewWithID(appID), Backend: &desktopBackend{a: a}, Logger: log, Log: logFile, Version: version,
			DataDir:  a.env.DataDir,
			Describe: a.describeProfile,
			Import: func(data []byte) error {
				path, err := a.configPath()
				if err != nil {
					return err
				}
				_, err = config.Import(data, path, a.env.SystemConfig)
				return err
			},
			SaveProfile:  a.saveProfile,
			Tray:         tray,
			Hidden:       a.g.hidden && prev == nil, // --hidden is for the start at login
			Messages:     msgs,
			LightTray:    light,
			Start:        next.Start,
			Autostart:    autostart,
			SetAutostart: setAutostart,
			Bridge:       desktopBridge{a: a},
			Settings: func(name string) ([]config.Setting, string, error) {
				p, err := a.profile(config.Overrides{Profile: name})
				return p.Settings(), p.Managed, err
			},
		})
	}
	if err != nil || next.To == desktopapp.ImageQuit || inst == nil {
		a.stopBridge(log)
		if inst != nil {
			inst.Release()
		}
		return err
	}
	err = execImage(inst, next)
	log.Error("could not switch the desktop app's process; quitting", "to", next.String(), "err", err)
	inst.Release()
	return fmt.Errorf("the desktop app could not switch between its window and tray: %w; start ssohelper again", err)
}

// Environment of the exec between the window and tray images: the next
// image and the inherited single-instance socket's descriptor.
const (
	envHandover   = "SSOHELPER_INTERNAL_HANDOVER"
	envHandoverFD = "SSOHELPER_INTERNAL_HANDOVER_FD"
)

// takeHandover reads (and removes from the environment, so no child
// inherits it) the handover of this process's previous image, if any.
func takeHandover(getenv func(string) string) (*desktopapp.Handover, uintptr, error) {
	raw, rawFD := getenv(envHandover), getenv(envHandoverFD)
	if raw == "" {
		return nil, 0, nil
	}
	_ = os.Unsetenv(envHandover)
	_ = os.Unsetenv(envHandoverFD)
	h, err := desktopapp.ParseHandover(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("%s is ssohelper's own: unset it (%w)", envHandover, err)
	}
	fd, err := strconv.ParseUint(rawFD, 10, 31)
	if err != nil || fd < 3 {
		return nil, 0, fmt.Errorf("%s=%q is ssohelper's own: unset it", envHandoverFD, rawFD)
	}
	return &h, uintptr(fd), nil
}

// saveProfile adds p to the config file (the default when the file has
// none) and stores its secrets as `config set-secret` does.
func (a *app) saveProfile(p config.Profile, clientSecret, platformSecret string) error {
	path, f, err := a.configFile()
	if err != nil {
		return err
	}
	if _, exists := f.Profiles[p.Name]; exists {
		return fmt.Errorf("profile %s already exists in %s; choose another name", p.Name, path)
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*keyringTimeout)
	defer cancel()
	for which, secret := range map[string]string{"client": clientSecret, "platform": platformSecret} {
		if secret == "" {
			continue
		}
		if err := st.Put(ctx, secretName(p.Name, which), []byte(secret)); err != nil {
			return fmt.Errorf("storing the %s secret: %w", which, err)
		}
	}
	f.Profiles[p.Name] = p
	if f.DefaultProfile == "" {
		f.DefaultProfile = p.Name
	}
	return f.Save(path)
}

// cacheDir is the user cache dir, else the temp dir.
func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return d
	}
	return os.TempDir()
}

// describeProfile lists a profile's settings for diagnostics: no secrets.
func (a *app) describeProfile(name string) string {
	p, err := a.profile(config.Overrides{Profile: name})
	if err != nil {
		return "config: " + err.Error()
	}
	s := fmt.Sprintf("issuer: %s\nclient id: %s\nconfidential: %v\nplatform: %s\nredirect ports: %v\nscopes: %v",
		p.IssuerURL(), p.ClientID, p.Confidential, p.Platform.Target(), p.RedirectPorts, p.Scopes)
	for _, line := range originSummary(p) {
		s += "\nconfig: " + line
	}
	if st, err := a.store(); err == nil {
		s += "\nstore: " + st.Describe()
	}
	return s
}

// desktopBackend is app.Backend on the same wiring as the commands.
type desktopBackend struct{ a *app }

func (b *desktopBackend) Profiles() ([]string, string, error) {
	_, f, err := b.a.configFile()
	if err != nil {
		return nil, "", err
	}
	def := b.a.g.profile
	if def == "" {
		def = b.a.env.Getenv(config.EnvProfile)
	}
	if def == "" {
		if p, err := f.Profile(""); err == nil {
			def = p.Name
		}
	}
	return f.Names(), def, nil
}

func (b *desktopBackend) Info(profile string) desktopapp.ProfileInfo {
	p, err := b.a.profile(config.Overrides{Profile: profile})
	if err != nil {
		return desktopapp.ProfileInfo{}
	}
	return desktopapp.ProfileInfo{Issuer: p.IssuerURL(), WarnBefore: p.WarnBefore.Duration}
}

// manager is the account manager of the named profile.
func (b *desktopBackend) manager(profile string) (*account.Manager, config.Profile, error) {
	p, err := b.a.profile(config.Overrides{Profile: profile})
	if err != nil {
		return nil, p, err
	}
	m, _, err := b.a.manager(p)
	return m, p, err
}

func (b *desktopBackend) Current(ctx context.Context, profile string) (*auth.SignIn, error) {
	m, _, err := b.manager(profile)
	if err != nil {
		return nil, err
	}
	s, err := m.Load(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.Check(s); err != nil {
		return nil, err
	}
	return s, nil
}

func (b *desktopBackend) SignIn(ctx context.Context, profile string, started func(string, time.Time)) (*auth.SignIn, error) {
	m, p, err := b.manager(profile)
	if err != nil {
		return nil, err
	}
	return m.SignIn(ctx, &loginStep{a: b.a, p: p, started: started})
}

func (b *desktopBackend) Refresh(ctx context.Context, profile string, margin time.Duration) (*auth.SignIn, error) {
	m, _, err := b.manager(profile)
	if err != nil {
		return nil, err
	}
	m.Margin = margin
	return m.Token(ctx)
}

func (b *desktopBackend) SignOut(ctx context.Context, profile string, endBrowser bool) error {
	m, p, err := b.manager(profile)
	if err != nil {
		return err
	}
	res, err := m.SignOut(ctx, false)
	if err != nil {
		return err
	}
	if res.RevokeErr != nil && !errors.Is(res.RevokeErr, auth.ErrNoRevocation) {
		b.a.logger().Info("sign-out: revocation failed; the local sign-in is deleted", "profile", profile, "err", res.RevokeErr)
	}
	if endBrowser && p.LogoutURI != "" {
		return b.a.endBrowserSession(ctx, p)
	}
	return nil
}
