//go:build !nogui

package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	desktopapp "github.com/ssohelper/ssohelper/app"
	"github.com/ssohelper/ssohelper/auth"
	"github.com/ssohelper/ssohelper/auth/authtest"
)

// redactionDesktop drives the desktop app's controller on the real
// backend (the same wiring as the window), logging at debug level.
func redactionDesktop(t *testing.T, h *harness, tr *transcripts) {
	var logBuf safeBuffer
	var stderr bytes.Buffer
	a := &app{env: h.newEnv(goBrowser("designer", "Design-2026!"), io.Discard, &stderr)}
	a.appLog = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctrl := &desktopapp.Controller{Backend: &desktopBackend{a: a}, Logger: a.appLog}
	view := func(s desktopapp.State) {
		v := desktopapp.ViewOf(s)
		text := []string{v.Title, v.Heading, v.Text, v.Hint, v.Details, v.Warning}
		for _, l := range v.Lines {
			text = append(text, l.Label, l.Value)
		}
		var tray func([]desktopapp.TrayItem)
		tray = func(items []desktopapp.TrayItem) {
			for _, it := range items {
				text = append(text, it.Label)
				tray(it.Children)
			}
		}
		tray(desktopapp.TrayMenu(s))
		tr.add("desktop window and tray", strings.Join(text, "\n")+"\n")
	}
	var mu sync.Mutex
	var states []desktopapp.State
	ctrl.Subscribe(func(s desktopapp.State) {
		mu.Lock()
		states = append(states, s)
		mu.Unlock()
	})
	step := func(what string, action func(), ok func(desktopapp.State) bool) {
		t.Helper()
		action()
		ctrl.Wait()
		if s := ctrl.State(); !ok(s) {
			t.Fatalf("the desktop app did not get to %s: phase %v, error %v; log:\n%s", what, s.Phase, s.Err, logBuf.String())
		}
	}
	ctx := context.Background()
	step("its first state", func() { ctrl.Load(ctx) }, func(desktopapp.State) bool { return true })
	step("signed out", func() { ctrl.SignOut(false) }, func(s desktopapp.State) bool { return s.Phase == desktopapp.PhaseSignedOut })
	step("signed in", ctrl.SignIn, func(s desktopapp.State) bool { return s.Phase == desktopapp.PhaseSignedIn })
	step("refreshed", ctrl.RefreshNow, func(s desktopapp.State) bool { return s.Phase == desktopapp.PhaseSignedIn && s.Err == nil })
	h.srv.SetFault(h.srv.PlatformURL()[len(h.srv.URL()):]+"/oauth/token", authtest.Fault{Status: 500, Body: `{"error":"server_error"}`})
	h.editSession(func(s *auth.SignIn) { s.Platform.Expiry = time.Now().Add(-time.Minute) })
	step("a failed refresh", ctrl.RefreshNow, func(s desktopapp.State) bool { return strings.HasPrefix(s.Note, "Could not renew the token") })
	h.srv.ClearFaults()
	step("signed out again", func() { ctrl.SignOut(false) }, func(s desktopapp.State) bool { return s.Phase == desktopapp.PhaseSignedOut })
	mu.Lock()
	for _, s := range states {
		view(s)
	}
	mu.Unlock()
	tr.add("desktop log", logBuf.String())
	tr.add("desktop stderr", stderr.String())
	tr.add("desktop diagnostics", a.describeProfile("work"))
	if !strings.Contains(logBuf.String(), "level=DEBUG") {
		t.Fatalf("the desktop app logged nothing at debug level:\n%s", logBuf.String())
	}
}
