//go:build !nogui && !unix

package main

import (
	"errors"

	desktopapp "github.com/ssohelper/ssohelper/app"
	"github.com/ssohelper/ssohelper/app/instance"
)

// execImage: the light tray image is Linux-only, so nothing switches here.
func execImage(*instance.Instance, desktopapp.Handover) error {
	return errors.New("switching images is not supported on this system")
}
