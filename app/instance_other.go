//go:build !unix

package app

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrRunning means another instance of the desktop app runs for this user.
var ErrRunning = errors.New("ssohelper is already running")

// SocketPath names where the single-instance endpoint would be.
func SocketPath(func(string) string) string {
	return filepath.Join(os.TempDir(), "ssohelper.sock")
}

// Instance is a no-op here.
type Instance struct{}

// Release does nothing.
func (*Instance) Release() {}

// Claim: single instance on Windows (a named pipe) is not built yet; every
// launch runs.
func Claim(string, string, func(string)) (*Instance, error) { return &Instance{}, nil }
