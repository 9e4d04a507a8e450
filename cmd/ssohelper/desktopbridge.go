//go:build !nogui

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	desktopapp "github.com/ssohelper/ssohelper/app"
	"github.com/ssohelper/ssohelper/auth/bridge"
)

// desktopBridge is the window's view of the plugin bridge the desktop app
// started (`ssohelper serve --desktop`, its own process, so it keeps
// serving while the app switches between its window and tray images):
// the bridge's admin API.
type desktopBridge struct{ a *app }

func (b desktopBridge) Pending(ctx context.Context) ([]desktopapp.PairRequest, error) {
	var out struct{ Pending []bridge.PairRequest }
	if err := b.a.adminCall(ctx, "GET", "/v1/admin/pending", nil, &out); err != nil {
		return nil, err
	}
	var list []desktopapp.PairRequest
	for _, r := range out.Pending {
		list = append(list, desktopapp.PairRequest{Code: r.Code, ID: r.ID, Name: r.Name, Profile: r.Profile})
	}
	return list, nil
}

func (b desktopBridge) Decide(ctx context.Context, code string, allow bool) error {
	verb := "deny"
	if allow {
		verb = "approve"
	}
	var req bridge.PairRequest
	return b.a.adminCall(ctx, "POST", "/v1/admin/"+verb, map[string]string{"code": code}, &req)
}

func (b desktopBridge) Plugins(ctx context.Context) ([]desktopapp.PluginInfo, error) {
	var out struct{ Plugins []bridge.Plugin }
	if err := b.a.adminCall(ctx, "GET", "/v1/admin/plugins", nil, &out); err != nil {
		return nil, err
	}
	var list []desktopapp.PluginInfo
	for _, p := range out.Plugins {
		list = append(list, desktopapp.PluginInfo{ID: p.ID, Name: p.Name, Profile: p.Profile, Origin: p.Origin, LastToken: p.LastToken, Tokens: p.TokenCount})
	}
	return list, nil
}

func (b desktopBridge) Revoke(ctx context.Context, id string) error {
	var out map[string]string
	return b.a.adminCall(ctx, "POST", "/v1/admin/revoke", map[string]string{"id": id}, &out)
}

// bridgeHello asks the bridge's port who listens there.
func (a *app) bridgeHello(ctx context.Context) (*bridge.Hello, error) {
	port, err := a.bridgePort(0)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/v1/hello", port), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var h bridge.Hello
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&h); err != nil || h.Helper != "ssohelper" {
		return nil, fmt.Errorf("port %d is taken by another program", port)
	}
	return &h, nil
}

// startBridge starts the plugin bridge for the desktop app, unless one
// (the user's `serve`, or an earlier app's) already answers. It runs in
// its own session, logging to bridge.log in the cache dir.
func (a *app) startBridge(ctx context.Context, logDir string, log *slog.Logger) {
	if h, err := a.bridgeHello(ctx); err == nil {
		log.Info("plugin bridge already running", "desktop", h.Desktop)
		return
	} else if err != nil && !isConnRefused(err) {
		log.Info("plugin bridge not started", "err", err)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		log.Info("plugin bridge not started", "err", err)
		return
	}
	out, err := os.OpenFile(filepath.Join(logDir, "bridge.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		log.Info("plugin bridge not started", "err", err)
		return
	}
	defer out.Close()
	args := []string{"serve", "--desktop"}
	if a.g.verbose {
		args = append([]string{"-v"}, args...)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = out, out
	detach(cmd)
	if err := cmd.Start(); err != nil {
		log.Info("plugin bridge not started", "err", err)
		return
	}
	go func() { _ = cmd.Wait() }() // reap it if it ends while the app runs
	log.Info("plugin bridge started", "pid", cmd.Process.Pid)
}

// stopBridge stops the bridge the desktop app started (not a `serve` the
// user runs).
func (a *app) stopBridge(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	h, err := a.bridgeHello(ctx)
	if err != nil || !h.Desktop {
		return
	}
	var out map[string]string
	if err := a.adminCall(ctx, "POST", "/v1/admin/quit", nil, &out); err != nil {
		log.Info("plugin bridge: asking it to quit", "err", err)
	}
}
