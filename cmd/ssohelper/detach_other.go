//go:build !nogui && !unix

package main

import (
	"errors"
	"os/exec"
	"syscall"
)

// detach runs cmd as its own process group, without a console window.
func detach(cmd *exec.Cmd) {
	const createNewProcessGroup, detachedProcess = 0x00000200, 0x00000008
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNewProcessGroup | detachedProcess}
}

// isConnRefused: WSAECONNREFUSED (10061).
func isConnRefused(err error) bool { return errors.Is(err, syscall.Errno(10061)) }
