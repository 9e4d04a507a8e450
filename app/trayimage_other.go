//go:build !linux

package app

import (
	"context"
	"errors"
	"log/slog"
)

// LightTraySupported says whether RunTray works here: on Linux only, so
// far; elsewhere the window image stays, hidden, in the tray.
const LightTraySupported = false

// TrayOptions are what RunTray needs (Linux).
type TrayOptions struct {
	Backend  Backend
	Logger   *slog.Logger
	DataDir  string
	Messages <-chan string
}

// RunTray is Linux-only so far.
func RunTray(context.Context, TrayOptions) (Handover, error) {
	return Handover{}, errors.New("the tray-only process runs on Linux only")
}
