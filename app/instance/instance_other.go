//go:build !unix && !windows

package instance

import (
	"errors"
	"os"
	"path/filepath"
)

// SocketPath names where the single-instance endpoint would be.
func SocketPath(func(string) string) string {
	return filepath.Join(os.TempDir(), "ssohelper.sock")
}

// Instance is a no-op here.
type Instance struct{}

// Release does nothing.
func (*Instance) Release() {}

// Alive: no single instance here, so no app to find.
func Alive(string) bool { return false }

// Send: no single instance here, so no app to reach.
func Send(string, string) error { return ErrNotRunning }

// Claim: single instance is not built for this system; every launch runs.
func Claim(string, string, func(string)) (*Instance, error) { return &Instance{}, nil }

// Adopt: nothing switches images here, so there is nothing to adopt.
func Adopt(uintptr, string, func(string)) (*Instance, error) {
	return nil, errors.New("single-instance socket: adopting an inherited one is not supported on this system")
}
