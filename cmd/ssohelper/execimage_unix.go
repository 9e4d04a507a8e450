//go:build !nogui && unix

package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	desktopapp "github.com/ssohelper/ssohelper/app"
	"github.com/ssohelper/ssohelper/app/instance"
)

// execImage replaces this process's program with the desktop app's next
// image (the same binary): same pid, same stdout and stderr, same
// single-instance socket, through the environment that takeHandover reads.
func execImage(inst *instance.Instance, next desktopapp.Handover) error {
	sock, err := inst.Inheritable()
	if err != nil {
		return err
	}
	defer sock.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	env := append(os.Environ(), envHandover+"="+next.String(), fmt.Sprintf("%s=%d", envHandoverFD, sock.Fd()))
	err = syscall.Exec(exe, os.Args, env)
	runtime.KeepAlive(sock)
	return fmt.Errorf("exec %s: %w", exe, err)
}
